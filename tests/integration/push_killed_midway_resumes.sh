#!/usr/bin/env bash
# `mlops push` killed with SIGKILL in the middle of a chunked upload (three 1 MB chunks
# acknowledged, the fourth answered by the fault proxy with 503 and Retry-After: 60, so the
# process is waiting to send it again): the same command then continues the upload from the
# session in the store's upload journal and sends less than the whole blob; the package pulled
# back verifies. (A kill inside a chunk cannot be continued on docker-registry 2.8: see
# oci_backend_upload_survives_resets.)
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
url="oci://${PROXY_URL#http://}/killed$$"

"$MLOPS" push --jobs 1 demo:1.0 "$url" >out1 2>err1 &
pid=$!
KILL_ON_EXIT+=("$pid")
for _ in $(seq 1 400); do [ "$(jq -r .injected "$PROXY_STATS" 2>/dev/null)" = 1 ] && break; sleep 0.05; done
expect_eq "$(proxy_stat injected)" 1 "503 answers to the fourth chunk"
kill -KILL "$pid"
rc=0
wait "$pid" || rc=$?
expect_eq "$rc" 137 "exit status of the killed push"
[ -n "$(ls -A "$MLOPS_HOME/mlops/uploads" 2>/dev/null)" ] || fail "no upload journal left by the killed push"
up1=$(proxy_stat up)

expect_exit 0 mlops --json push --jobs 1 demo:1.0 "$url"
up2=$(($(proxy_stat up) - up1))
[ "$up2" -lt $((size - 2800000)) ] || fail "the second push sent $up2 bytes: it restarted instead of resuming"
expect_exit 0 mlops --json pull "oci://$MLOPS_TEST_OCI_HOST/killed$$/demo:1.0" --store "$TEST_DIR/second"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "killed$$/demo:1.0"
