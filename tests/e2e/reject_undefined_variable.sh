#!/usr/bin/env bash
# A template file using an undefined variable exits 4 with files/<path>:<line> and the name; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=# {{name}}" "src/app/main.py=import os

print('{{name}}', '{{nmae}}')"
name: typo-var
questions:
  - {name: name, default: svc}
YAML
mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)
expect_exit 4 mlops init work/new/parents/proj --template ./tpl --defaults   # parents it created are removed again
expect_clean_error
expect_contains "$TEST_DIR/err" "files/src/app/main.py:3"
expect_contains "$TEST_DIR/err" "undefined variable 'nmae'"
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"
