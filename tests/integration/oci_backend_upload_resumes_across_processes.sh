#!/usr/bin/env bash
# An upload that failed midway (the registry kept answering 503 to its PATCH requests, the
# process gave up with exit 5) continues in the next process from the offset the registry
# reports for the session in the upload journal (state dir): the second run sends only what
# was missing. A transient 503 between chunks is retried in place, without sending any chunk
# twice.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server OCI

size=6000000
head -c $size /dev/urandom >big.bin
export MLOPS_OCI_MONOLITHIC_MAX=1000000 MLOPS_OCI_CHUNK_SIZE=1000000

# In-process: two 503s on the 4th PATCH, retried; every chunk crosses once.
start_faultproxy "$MLOPS_TEST_OCI_HOST" --status 503 --retry-after 0 --match '^PATCH' --skip 3 --times 2
probe --state-dir state1 oci-push "${PROXY_URL#http://}" "inproc/r$$" v1 big.bin >push.json 2>push.err || { cat push.err >&2; fail "push failed"; }
expect_eq "$(proxy_stat injected)" 2 "503 answers"
up=$(proxy_stat up)
[ "$up" -lt $((size + 200000)) ] || fail "a chunk was sent twice: $up bytes for a $size-byte blob"

# Across processes: the PATCHes after the third fail until the process gives up (6 attempts:
# the client's bound), then the proxy forwards again.
repo="crossproc/r$$"
start_faultproxy "$MLOPS_TEST_OCI_HOST" --status 503 --retry-after 0 --match '^PATCH' --skip 3 --times 6
set +e
probe --state-dir state oci-push "${PROXY_URL#http://}" "$repo" v1 big.bin >push.json 2>push.err
rc=$?
set -e
expect_eq "$rc" 5 "exit code of the run that gave up"
expect_contains push.err "remote/transient"
[ -n "$(ls -A state/uploads 2>/dev/null)" ] || fail "no upload journal left for the next run"
expect_eq "$(proxy_stat injected)" 6 "503 answers before the first run gave up"
# The next run (same registry address: the session URL is the registry's) sends the last 3 chunks.
up1=$(proxy_stat up)
probe --state-dir state oci-push "${PROXY_URL#http://}" "$repo" v1 big.bin >push2.json 2>push2.err || { cat push2.err >&2; fail "second push failed"; }
up=$(($(proxy_stat up) - up1))
[ "$up" -lt $((size / 2 + 200000)) ] || fail "the second run sent $up bytes: it restarted instead of resuming at 3000000"
[ "$up" -gt $((size / 2 - 100000)) ] || fail "the second run sent only $up bytes"
if [ -n "$(ls -A state/uploads 2>/dev/null)" ]; then fail "the journal entry outlived the finished upload"; fi
probe oci-pull "$MLOPS_TEST_OCI_HOST" "$repo" v1 pulled >pull.json 2>pull.err || { cat pull.err >&2; fail "pull failed"; }
cmp big.bin "pulled/$(sha256sum <big.bin | cut -d' ' -f1)" || fail "the pulled blob differs"
