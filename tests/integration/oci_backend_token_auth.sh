#!/usr/bin/env bash
# The token-auth registry (docker-registry `auth: token` with the test issuer): the backend
# follows the Bearer challenge to the realm with the stored credentials, asks for the
# repository's scope, and pushes and pulls; a 401 in the middle of a chunked upload (an expired
# token) makes it fetch a new token and go on; wrong credentials end as "auth" (exit 5); no
# password or token in any output.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server OCI_TOKEN

size=5000000
head -c $size /dev/urandom >big.bin
repo="token/r$$"
export MLOPS_OCI_MONOLITHIC_MAX=1000000 MLOPS_OCI_CHUNK_SIZE=1000000
# A wrong password stored before (mlops login itself refuses one now): written as login would.
mkdir -p "$XDG_CONFIG_HOME/mlops"
jq -n --arg h "$MLOPS_TEST_OCI_TOKEN_HOST" --arg u "$MLOPS_TEST_USER" '{version: 1, hosts: {($h): {username: $u, secret: "wrong"}}}' \
  >"$XDG_CONFIG_HOME/mlops/credentials.json"
chmod 600 "$XDG_CONFIG_HOME/mlops/credentials.json"
: >login.err
set +e
probe oci-push "$MLOPS_TEST_OCI_TOKEN_HOST" "$repo" v1 big.bin >out 2>err
rc=$?
set -e
expect_eq "$rc" 5 "exit code with a wrong password"
expect_contains err "remote/auth"

printf '%s\n' "$MLOPS_TEST_PASSWORD" | "$MLOPS" login "$MLOPS_TEST_OCI_TOKEN_HOST" -u "$MLOPS_TEST_USER" --password-stdin 2>>login.err
probe -v oci-push "$MLOPS_TEST_OCI_TOKEN_HOST" "$repo" v1 big.bin >push.json 2>push.err || { cat push.err >&2; fail "push failed"; }
grep -q "scope=repository:$repo:pull,push credentials=True ok=True" "$MLOPS_TEST_OCI_TOKEN_LOG" || { cat "$MLOPS_TEST_OCI_TOKEN_LOG" >&2; fail "no token for the push scope"; }
probe -v oci-pull "$MLOPS_TEST_OCI_TOKEN_HOST" "$repo" v1 pulled >pull.json 2>pull.err || { cat pull.err >&2; fail "pull failed"; }
cmp big.bin "pulled/$(sha256sum <big.bin | cut -d' ' -f1)" || fail "the pulled blob differs"

# A 401 on the third PATCH, as from a token that expired: a new token, the upload goes on.
repo2="token/mid$$"
start_faultproxy "$MLOPS_TEST_OCI_TOKEN_HOST" --status 401 --match '^PATCH' --skip 2 --times 1 \
  --header "WWW-Authenticate: Bearer realm=\"$MLOPS_TEST_OCI_TOKEN_REALM\",service=\"mlops-test-registry\""
printf '%s\n' "$MLOPS_TEST_PASSWORD" | "$MLOPS" login "${PROXY_URL#http://}" -u "$MLOPS_TEST_USER" --password-stdin 2>>login.err
before=$(grep -c "scope=repository:$repo2:pull,push" "$MLOPS_TEST_OCI_TOKEN_LOG" || true)
probe -v oci-push "${PROXY_URL#http://}" "$repo2" v1 big.bin >push2.json 2>push2.err || { cat push2.err >&2; fail "push through a 401 failed"; }
after=$(grep -c "scope=repository:$repo2:pull,push" "$MLOPS_TEST_OCI_TOKEN_LOG" || true)
expect_eq "$(proxy_stat injected)" 1 "401 answers"
[ $((after - before)) -ge 2 ] || fail "no new token after the 401 ($before -> $after token requests)"
up=$(proxy_stat up)
[ "$up" -lt $((size + 1300000)) ] || fail "the upload restarted after the 401: $up bytes"

# Nothing secret in any output: the password, its Basic form, or a token the issuer signed.
basic=$(printf '%s:%s' "$MLOPS_TEST_USER" "$MLOPS_TEST_PASSWORD" | base64 -w0)
for f in out err push.json push.err pull.json pull.err push2.json push2.err login.err; do
  if grep -qF -e "$MLOPS_TEST_PASSWORD" -e "$basic" "$f"; then fail "the password reached $f"; fi
  if grep -qE 'eyJ[A-Za-z0-9_-]{20,}' "$f"; then fail "a token reached $f"; fi
done
