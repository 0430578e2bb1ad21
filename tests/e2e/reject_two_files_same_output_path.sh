#!/usr/bin/env bash
# Two template files that render to the same path (or a file where another needs a directory) exit 4 naming both; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi" "config.yaml=static" "{{cfg}}.yaml=rendered"
name: clash
questions:
  - {name: cfg, default: settings}
YAML
mkdir work
echo keep >work/keep.txt
before=$(tree_digest work)
expect_exit 0 mlops init work/ok --template ./tpl --defaults --no-git
rm -rf work/ok

expect_exit 4 mlops init work/proj --template ./tpl --defaults -s cfg=config
expect_clean_error
expect_contains "$TEST_DIR/err" "config.yaml"
expect_contains "$TEST_DIR/err" "files/{{cfg}}.yaml"
expect_eq "$(tree_digest work)" "$before" "work/ after a path clash"

rm -rf tpl
make_template tpl <<'YAML' "README.md=hi" "{{a}}=file" "lib/x.py=dir"
name: clash
questions:
  - {name: a, default: other}
YAML
expect_exit 4 mlops init work/proj --template ./tpl --defaults -s a=lib
expect_clean_error
expect_contains "$TEST_DIR/err" "lib"
expect_eq "$(tree_digest work)" "$before" "work/ after a file/directory clash"
