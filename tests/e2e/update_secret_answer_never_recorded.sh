#!/usr/bin/env bash
# A secret answer given to an update (-S) reaches the trusted hooks of both renders and is
# written nowhere: not in the answers file, the project, git objects, the output or the
# saved update state.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_template src <<'YAML' "README.md=service {{service}}"
name: with-secret
version: "1.0.0"
questions:
  - {name: service, default: churn}
  - {name: api_token, secret: true}
hooks:
  post_generate:
    - ["sh", "-c", "printf '%s' \"$MLOPS_ANSWER_API_TOKEN\" > \"$HOOK_OUT\""]
YAML
printf 'service {{service}}\nline 2\nline 3\n' >src/files/README.md
commit_template src v1
printf 'service {{service}}\nline 2\nline 3, v2\n' >src/files/README.md
commit_template src v2
secret="tok-$RANDOM$RANDOM-Zq9"
export HOOK_OUT="$TEST_DIR/hook-saw"

expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --trust -S api_token="$secret"
rm "$HOOK_OUT"
sed -i 's/^service churn$/service churn, mine/' proj/README.md
git -C proj commit -qam mine
# Without the secret, no terminal: it must be given (all missing answers listed, exit 2).
expect_exit 2 mlops update proj
expect_contains "$TEST_DIR/err" "api_token"

expect_exit 0 mlops --json update proj --trust -S api_token="$secret"
expect_eq "$(cat "$HOOK_OUT")" "$secret" "MLOPS_ANSWER_API_TOKEN seen by the hook"
expect_not_contains "$TEST_DIR/out" "$secret"
expect_not_contains "$TEST_DIR/err" "$secret"
jq -e '.answers | has("api_token") | not' "$TEST_DIR/out" >/dev/null || fail "--json lists the secret answer"
expect_not_contains proj/.mlops/answers.yaml "api_token"
expect_contains proj/README.md "line 3, v2"
if grep -r -F -l -- "$secret" proj; then fail "the secret is in a file of the project"; fi
git -C proj cat-file --batch-all-objects --batch >"$TEST_DIR/objects"
expect_not_contains "$TEST_DIR/objects" "$secret"
