#!/usr/bin/env bash
# A file or directory name that renders to an absolute path (through an answer) exits 4; nothing is written there.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi" "{{fname}}=payload" "{{dname}}/inner.txt=payload"
name: absolute
questions:
  - {name: fname, default: ok.txt}
  - {name: dname, default: okdir}
YAML
mkdir work outside
before=$(tree_digest work)
outside_before=$(tree_digest outside)
for set in "fname=$TEST_DIR/outside/abs.txt" "dname=$TEST_DIR/outside" "fname=/tmp/mlops-e2e-abs-$$"; do
  expect_exit 4 mlops init work/proj --template ./tpl --defaults -s "$set"
  expect_clean_error
  expect_eq "$(tree_digest work)" "$before" "work/ after -s $set"
  expect_eq "$(tree_digest outside)" "$outside_before" "outside/ after -s $set"
done
expect_no_path "/tmp/mlops-e2e-abs-$$"
