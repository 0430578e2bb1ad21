#!/usr/bin/env bash
# An upload journal in the store is a file on disk, so hostile: one whose part_size would cut
# the blob into more parts than S3 allows (10,000) is not resumed — with part_size 1 it would
# mean millions of one-byte PUTs and a part list of hundreds of MiB. The push starts a new
# upload with its own part size instead (moto, 5 MiB parts), and the object is the blob.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server MOTO
use_s3 MOTO

make_package_project proj
size=12000000
head -c $size /dev/urandom >proj/models/model.bin
(cd proj && git add -A && git commit -qm big)
build_package proj
export MLOPS_S3_MULTIPART_THRESHOLD=6000000 MLOPS_S3_PART_SIZE=5242880 MLOPS_HTTP_BACKOFF_MS=20

# A first run that fails on its second part leaves a journal behind.
start_faultproxy "${AWS_ENDPOINT_URL_S3#http://}" --status 503 --retry-after 0 --match '^PUT .*partNumber' --skip 1 --times 6
export AWS_ENDPOINT_URL_S3=$PROXY_URL
expect_exit 5 mlops push demo:1.0 "s3://$BUCKET/r" --jobs 1
journal=$(find "$MLOPS_HOME/mlops/uploads" -name "s3-*.json" 2>/dev/null | head -1)
[ -n "$journal" ] || fail "no upload journal left by the failed run"
# part_size 1000: 12,000 parts, over S3's limit of 10,000.
python3 - "$journal" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["part_size"] = 1000
open(sys.argv[1], "w").write(json.dumps(j))
PY

# Through the same proxy (its 503s are spent): the journal is keyed by the endpoint.
expect_exit 0 mlops -vv push demo:1.0 "s3://$BUCKET/r" --jobs 2
parts=$(grep -c 'PUT .*partNumber=' "$TEST_DIR/err" || true)
[ "$parts" -le 3 ] || fail "the push sent $parts part uploads: it trusted the journal's part size"
expect_exit 0 mlops --json pull "s3://$BUCKET/r/demo:1.0" --store "$TEST_DIR/second"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "r/demo:1.0"
