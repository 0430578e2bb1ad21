#!/usr/bin/env bash
# A manifest that is not valid YAML exits 4 with mlops-template.yaml:LINE in a clean error; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=hi"
name: broken
questions:
  - name: a
    default: [unclosed
  - name: b
YAML
mkdir work
before=$(tree_digest work)
expect_exit 4 mlops init work/proj --template ./tpl --defaults
expect_clean_error
grep -qE 'mlops-template\.yaml:[0-9]+: invalid YAML' "$TEST_DIR/err" || { cat "$TEST_DIR/err" >&2; fail "no file:line in the error"; }
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"
expect_exit 4 mlops template show ./tpl
expect_clean_error
grep -qE 'mlops-template\.yaml:[0-9]+:' "$TEST_DIR/err" || fail "template show: no file:line in the error"
