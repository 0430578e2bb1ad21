#!/usr/bin/env bash
# A file name that renders to ../escape (through an answer) exits 4; nothing is written inside or outside the target.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi" "{{fname}}=payload"
name: escape
questions:
  - {name: fname, default: ok.txt}
YAML
mkdir -p work/nest
echo keep >work/keep.txt
before=$(tree_digest work)
for value in ../escape ../../escape sub/../../escape; do
  expect_exit 4 mlops init work/nest/proj --template ./tpl --defaults -s fname="$value"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "files/{{fname}}"
  expect_eq "$(tree_digest work)" "$before" "work/ after fname=$value"
  expect_no_path escape
done
