#!/usr/bin/env bash
# A question whose `when` is false is not asked: it keeps its default (an answer for it is ignored), and a skipped question without a default is not "missing".
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "settings.txt=name={{db_name}} host=[{{db_host}}]"
name: conditional
questions:
  - name: use_db
    type: bool
    default: no
  - name: db_name
    default: main
    when: use_db
  - name: db_host
    when: use_db
YAML
expect_exit 0 mlops init off --template ./tpl -s db_name=other </dev/null
expect_eq "$(cat off/settings.txt)" "name=main host=[]" "settings.txt with use_db=no"
expect_contains off/.mlops/answers.yaml 'db_name: "main"'

# When the condition holds, the answers count (and db_host is required again).
expect_exit 2 mlops init on --template ./tpl -s use_db=yes -s db_name=other </dev/null
expect_contains "$TEST_DIR/err" "db_host"
expect_exit 0 mlops init on --template ./tpl -s use_db=yes -s db_name=other -s db_host=h1 </dev/null
expect_eq "$(cat on/settings.txt)" "name=other host=[h1]" "settings.txt with use_db=yes"
