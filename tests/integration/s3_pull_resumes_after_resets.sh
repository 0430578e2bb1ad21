#!/usr/bin/env bash
# A pull from S3 whose downloads are cut twice (connection reset after 1 MB) continues each cut
# blob with a Range GET from where it stopped: every byte crosses about once, the package
# verifies, and `mlops copy` moves the same package from S3 into a file:// layout skopeo reads.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server S3
use_s3 S3

make_package_project proj
head -c 5000000 /dev/urandom >proj/models/model.bin
(cd proj && git add -A && git commit -qm big)
build_package proj
expect_exit 0 mlops push demo:1.0 "s3://$BUCKET/p"

export MLOPS_HTTP_BACKOFF_MS=20
start_faultproxy "${AWS_ENDPOINT_URL_S3#http://}" --reset-down-after-bytes 1000000 --resets 2
AWS_ENDPOINT_URL_S3=$PROXY_URL expect_exit 0 mlops --json pull "s3://$BUCKET/p/demo:1.0" --store "$TEST_DIR/second" --jobs 1
expect_eq "$(proxy_stat resets)" 2 "resets made by the proxy"
down=$(proxy_stat down)
# Restarting would cost 1 MB + 1 MB + the whole 5 MB = 7 MB; resuming, 5 MB plus what each
# reset destroyed in the socket buffers on the way (close to 1 MB under ASan).
[ "$down" -lt 6600000 ] || fail "the pull moved $down bytes for a 5 MB package: a cut blob started again from 0"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "p/demo:1.0"

expect_exit 0 mlops copy "s3://$BUCKET/p/demo:1.0" "file://$TEST_DIR/layout"
if command -v skopeo >/dev/null; then
  skopeo inspect --raw "oci:$TEST_DIR/layout/p/demo:1.0" >raw.json || fail "skopeo cannot read the copied layout"
  expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$(package_digest)" "the manifest skopeo reads"
fi
