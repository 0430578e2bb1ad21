#!/usr/bin/env bash
# A directory component that renders to '..' or '.' exits 4; nothing is written beside the target.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi" "{{dir}}/planted.txt=payload" "a/{{dir}}/{{dir}}/deep.txt=payload"
name: dotdot
questions:
  - {name: dir, default: sub}
YAML
mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)
for value in .. .; do
  expect_exit 4 mlops init work/proj --template ./tpl --defaults -s dir="$value"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "not a name inside the project"
  expect_eq "$(tree_digest work)" "$before" "work/ after dir=$value"
done
expect_no_path planted.txt
