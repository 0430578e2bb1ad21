#!/usr/bin/env bash
# A chunked upload (PATCH) that connection resets cut off mid-chunk still completes and the
# registry then serves the right bytes. docker-registry 2.8 binds an upload session to the
# offset it acknowledged last, so a chunk cut mid-way kills the session: the backend opens a
# new one (a bounded number of times). After a cut the backend asks the registry where the
# upload stands (GET of the session) instead of sending the chunk again: on 2.8 that answer is
# "gone" and no chunk is sent in vain, so the bytes are the two cut sessions plus one whole
# upload. Resume at chunk boundaries: oci_backend_upload_resumes_*.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server OCI

size=6000000
head -c $size /dev/urandom >big.bin
repo="resets/r$$"
export MLOPS_OCI_MONOLITHIC_MAX=1000000 MLOPS_OCI_CHUNK_SIZE=1000000
start_faultproxy "$MLOPS_TEST_OCI_HOST" --reset-after-bytes 2500000 --resets 2
probe --state-dir state oci-push "${PROXY_URL#http://}" "$repo" v1 big.bin >push.json 2>push.err || { cat push.err >&2; fail "push failed"; }
expect_eq "$(proxy_stat resets)" 2 "resets made by the proxy"
up=$(proxy_stat up)
[ "$up" -le $((size + 2 * 2500000 + 200000)) ] || fail "a cut chunk was sent again: $up bytes went up"
probe oci-pull "$MLOPS_TEST_OCI_HOST" "$repo" v1 pulled >pull.json 2>pull.err || { cat pull.err >&2; fail "pull failed"; }
cmp big.bin "pulled/$(sha256sum <big.bin | cut -d' ' -f1)" || fail "the pulled blob differs"
