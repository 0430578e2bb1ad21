#!/usr/bin/env bash
# A template file that references a secret answer is an error (exit 4) that names it; the value is not printed and nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "ok.txt=fine" "config/settings.ini=[auth]
token = {{api_token}}"
name: leaks-secret
questions:
  - {name: api_token, secret: true}
YAML
mkdir work
before=$(tree_digest work)
secret="tok-$RANDOM$RANDOM-Zq9"
expect_exit 4 mlops init work/proj --template ./tpl -s api_token="$secret"
expect_clean_error
expect_contains "$TEST_DIR/err" "api_token"
expect_contains "$TEST_DIR/err" "secret"
expect_contains "$TEST_DIR/err" "files/config/settings.ini:2"
expect_not_contains "$TEST_DIR/err" "$secret"
expect_not_contains "$TEST_DIR/out" "$secret"
expect_eq "$(tree_digest work)" "$before" "work/ after the failed init"
