#!/usr/bin/env bash
# Ctrl-C (SIGINT) during `mlops push` (waiting to send the fourth 1 MB chunk again after a
# 503 with Retry-After: 60): exit 130 at once, one line, the local store intact (the package
# still verifies), and the same command then completes from where the upload stood; what it
# pushed pulls back and verifies.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server OCI

make_package_project proj
size=6000000
head -c $size /dev/urandom >proj/models/model.bin
git -C proj commit -qam "bigger weights"
sleep 0.2
build_package proj
export MLOPS_OCI_MONOLITHIC_MAX=1000000 MLOPS_OCI_CHUNK_SIZE=1000000
start_faultproxy "$MLOPS_TEST_OCI_HOST" --status 503 --retry-after 60 --match '^PATCH' --skip 3 --times 1
url="oci://${PROXY_URL#http://}/sigint$$"

"$MLOPS" push --jobs 1 demo:1.0 "$url" >out1 2>err1 &
pid=$!
KILL_ON_EXIT+=("$pid")
for _ in $(seq 1 400); do [ "$(jq -r .injected "$PROXY_STATS" 2>/dev/null)" = 1 ] && break; sleep 0.05; done
expect_eq "$(proxy_stat injected)" 1 "503 answers to the fourth chunk"
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
expect_eq "$rc" 130 "exit status of the interrupted push"
expect_eq "$(grep -cv '^hint:' err1)" 1 "lines on stderr"
expect_exit 0 mlops package verify demo:1.0
up1=$(proxy_stat up)

expect_exit 0 mlops --json push --jobs 1 demo:1.0 "$url"
up2=$(($(proxy_stat up) - up1))
[ "$up2" -lt $((size - 2800000)) ] || fail "the re-run sent $up2 bytes: it restarted instead of resuming"
expect_exit 0 mlops --json pull "oci://$MLOPS_TEST_OCI_HOST/sigint$$/demo:1.0" --store "$TEST_DIR/second"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "sigint$$/demo:1.0"
