#!/usr/bin/env bash
# A secret answer is given to trusted hooks as MLOPS_ANSWER_<NAME> but is written nowhere: not in files, answers.yaml, git objects or output.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template tpl <<'YAML' "README.md=service {{service}}"
name: with-secret
questions:
  - {name: service, default: churn}
  - name: api_token
    secret: true
    help: never stored
hooks:
  post_generate:
    - ["sh", "-c", "printf '%s' \"$MLOPS_ANSWER_API_TOKEN\" > \"$HOOK_OUT\""]
YAML
secret="tok-$RANDOM$RANDOM-Zq9"
export HOOK_OUT="$TEST_DIR/hook-saw"

expect_exit 0 mlops --json init proj --template ./tpl --trust -s api_token="$secret"
expect_eq "$(cat "$HOOK_OUT")" "$secret" "MLOPS_ANSWER_API_TOKEN seen by the hook"
expect_not_contains "$TEST_DIR/out" "$secret"
expect_not_contains "$TEST_DIR/err" "$secret"
jq -e '.answers | has("api_token") | not' "$TEST_DIR/out" >/dev/null || fail "--json lists the secret answer"
expect_not_contains proj/.mlops/answers.yaml "$secret"
expect_not_contains proj/.mlops/answers.yaml "api_token"
if grep -r -F -l -- "$secret" proj; then fail "the secret is in a file of the project"; fi
git -C proj cat-file --batch-all-objects --batch >"$TEST_DIR/objects"
[ -s "$TEST_DIR/objects" ] || fail "no git objects to check"
expect_not_contains "$TEST_DIR/objects" "$secret"
expect_eq "$(cat proj/README.md)" "service churn" "README.md"

# The same without --json (text output) does not print it either.
expect_exit 0 mlops init proj2 --template ./tpl --trust -s api_token="$secret"
expect_not_contains "$TEST_DIR/out" "$secret"
expect_not_contains "$TEST_DIR/err" "$secret"
