#!/usr/bin/env bash
# The HTTP client continues a download that a connection reset cut off with a Range request
# from where it stopped: through two resets the bytes that crossed the proxy stay close to the
# file's size (a restart would send it again), and the bytes received hash to the file's digest.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server WEBDAV

head -c 3000000 /dev/urandom >blob.bin
auth=$(basic_auth "$MLOPS_TEST_WEBDAV_USER" "$MLOPS_TEST_WEBDAV_PASSWORD")
probe put "$MLOPS_TEST_WEBDAV_URL/resume-$$/blob.bin" blob.bin --secret-header "$auth" >put.json
case "$(jq -r .status put.json)" in 201 | 204) ;; *) fail "PUT status $(jq -r .status put.json)" ;; esac

start_faultproxy "${MLOPS_TEST_WEBDAV_URL#http://}" --reset-down-after-bytes 1000000 --resets 2
probe get "$PROXY_URL/resume-$$/blob.bin" --secret-header "$auth" --out got.bin >get.json 2>get.err || { cat get.err >&2; fail "download failed"; }
expect_eq "$(proxy_stat resets)" 2 "resets made by the proxy"
cmp blob.bin got.bin || fail "the resumed download differs from the file"
expect_eq "$(jq -r .sha256 get.json)" "$(sha256sum <blob.bin | cut -d' ' -f1)" "digest of the bytes given to the sink"
# Restarting would cost 1 MB + 1 MB + the whole 3 MB = 5 MB; resuming, 3 MB plus what each
# reset destroyed in the socket buffers on the way.
down=$(proxy_stat down)
[ "$down" -lt 4500000 ] || fail "the download restarted: $down bytes crossed the proxy for a 3000000-byte file"
