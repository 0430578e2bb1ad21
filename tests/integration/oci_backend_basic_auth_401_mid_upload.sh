#!/usr/bin/env bash
# Against the htpasswd registry: without credentials a push fails as "auth" (exit 5) with a hint
# to log in; after `mlops login` the push and pull work, a 401 in the middle of a chunked
# upload makes the backend authenticate again and send that chunk again (the upload goes on,
# no chunk is lost), and the password appears in no output, log (-v) or state file.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server OCI_AUTH

size=5000000
head -c $size /dev/urandom >big.bin
repo="auth/r$$"
export MLOPS_OCI_MONOLITHIC_MAX=1000000 MLOPS_OCI_CHUNK_SIZE=1000000
set +e
probe oci-push "$MLOPS_TEST_OCI_AUTH_HOST" "$repo" v1 big.bin >out 2>err
rc=$?
set -e
expect_eq "$rc" 5 "exit code without credentials"
expect_contains err "remote/auth"
expect_contains err "mlops login"

printf '%s\n' "$MLOPS_TEST_OCI_PASSWORD" | "$MLOPS" login "$MLOPS_TEST_OCI_AUTH_HOST" -u "$MLOPS_TEST_OCI_USER" --password-stdin 2>login.err
start_faultproxy "$MLOPS_TEST_OCI_AUTH_HOST" --status 401 --match '^PATCH' --skip 2 --times 1 \
  --header 'WWW-Authenticate: Basic realm="mlops-test-registry"'
# The proxy's address is another host:port: the same credentials under that name.
printf '%s\n' "$MLOPS_TEST_OCI_PASSWORD" | "$MLOPS" login "${PROXY_URL#http://}" -u "$MLOPS_TEST_OCI_USER" --password-stdin 2>>login.err
probe -v --state-dir state oci-push "${PROXY_URL#http://}" "$repo" v1 big.bin >push.json 2>push.err || { cat push.err >&2; fail "push failed"; }
expect_eq "$(proxy_stat injected)" 1 "401 answers in the middle of the upload"
up=$(proxy_stat up)
[ "$up" -lt $((size + 1300000)) ] || fail "the upload restarted after the 401: $up bytes"
probe -v oci-pull "$MLOPS_TEST_OCI_AUTH_HOST" "$repo" v1 pulled >pull.json 2>pull.err || { cat pull.err >&2; fail "pull failed"; }
cmp big.bin "pulled/$(sha256sum <big.bin | cut -d' ' -f1)" || fail "the pulled blob differs"
basic=$(printf '%s:%s' "$MLOPS_TEST_OCI_USER" "$MLOPS_TEST_OCI_PASSWORD" | base64 -w0)
for f in out err push.json push.err pull.json pull.err login.err; do
  if grep -qF -e "$MLOPS_TEST_OCI_PASSWORD" -e "$basic" "$f"; then fail "the password reached $f"; fi
done
if [ -d state ] && grep -rqF -e "$MLOPS_TEST_OCI_PASSWORD" -e "$basic" state; then fail "the password reached the state dir"; fi
