#!/usr/bin/env bash
# A secret answer's value is in no error, hint, log line (-vvv) or JSON output, whatever goes wrong: failed validation, a --set without '=', a file or condition that uses it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

secret="tok_TOPSECRET$RANDOM"
check() { # CODE, then the init arguments
  local code=$1 v
  shift
  for v in "" -vvv --json; do
    rm -rf proj
    # shellcheck disable=SC2086  # $v is one flag or nothing
    expect_exit "$code" mlops $v init proj --defaults "$@"
    expect_not_contains "$TEST_DIR/err" "$secret"
    expect_not_contains "$TEST_DIR/out" "$secret"
    expect_no_path proj
  done
}

make_template tpl <<'YAML' "README.md=hi"
name: secret-regex
questions:
  - name: token
    secret: true
    validate: {regex: '^[0-9]+$'}
YAML
check 2 --template ./tpl -S token="$secret"   # a value typed on the command line: usage (2)
expect_contains "$TEST_DIR/err" "token"
check 2 --template ./tpl -s "$secret"       # the key forgotten
check 2 --template ./tpl -s "=$secret"

# A file or a condition that uses the secret is an error naming it, never showing it.
make_template tpl2 <<'YAML' "README.md=token {{token}}"
name: secret-in-file
questions:
  - {name: token, secret: true}
YAML
check 4 --template ./tpl2 -s token="$secret"
expect_contains "$TEST_DIR/err" "secret"
make_template tpl3 <<'YAML' "README.md=hi"
name: secret-in-when
questions:
  - {name: token, secret: true}
  - {name: extra, default: x, when: "{{token}}"}
  - {name: other, default: x, when: "token"}
YAML
check 4 --template ./tpl3 -s token="$secret"
expect_contains "$TEST_DIR/err" "secret"
