#!/usr/bin/env bash
# Pushing a package the remote already has sends no blob byte: every blob is skipped.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops --json push demo:1.0 "file://$TEST_DIR/remote"
sent=$(jq -r .blobs_sent "$TEST_DIR/out")
[ "$sent" -gt 0 ] || fail "the first push sent no blob"
[ "$(jq -r .bytes_sent "$TEST_DIR/out")" -gt 0 ] || fail "the first push sent no bytes"
expect_exit 0 mlops --json push demo:1.0 "file://$TEST_DIR/remote/demo"   # the URL ends in the name
expect_json "$TEST_DIR/out" .bytes_sent 0
expect_json "$TEST_DIR/out" .blobs_sent 0
expect_json "$TEST_DIR/out" .blobs_skipped "$sent"
expect_json "$TEST_DIR/out" .url "file://$TEST_DIR/remote/demo:1.0"
