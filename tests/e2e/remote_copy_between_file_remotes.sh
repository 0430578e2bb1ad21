#!/usr/bin/env bash
# `mlops copy SRC DST` moves a package and its signature between two remotes with push's
# addressing; a second copy sends nothing; a corrupt blob at the source stops it before the
# destination gets a tag.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops key generate release.key
expect_exit 0 mlops package sign demo:1.0 --key release.key
digest=$(package_digest)
expect_exit 0 mlops push demo:1.0 "file://$TEST_DIR/a"

expect_exit 0 mlops --json copy "file://$TEST_DIR/a/demo:1.0" "file://$TEST_DIR/b"
expect_json "$TEST_DIR/out" .destination "file://$TEST_DIR/b/demo:1.0"
expect_json "$TEST_DIR/out" .digest "$digest"
expect_json "$TEST_DIR/out" .signatures 1
copied=$(jq -r .blobs_copied "$TEST_DIR/out")
expect_exit 0 mlops --json copy "file://$TEST_DIR/a/demo:1.0" "file://$TEST_DIR/b"
expect_json "$TEST_DIR/out" .blobs_copied 0
expect_json "$TEST_DIR/out" .blobs_skipped "$copied"
expect_json "$TEST_DIR/out" .bytes_copied 0

MLOPS_HOME="$TEST_DIR/second-store" expect_exit 0 mlops pull "file://$TEST_DIR/b/demo:1.0"
MLOPS_HOME="$TEST_DIR/second-store" expect_exit 0 mlops package verify demo:1.0 --key release.key.pub

# A flipped byte at the source: refused, naming the blob; the destination has no tag.
layer=$(jq -r '.layers[0].digest' "$TEST_DIR/a/demo/blobs/sha256/${digest#sha256:}")
flip_byte "$TEST_DIR/a/demo/blobs/sha256/${layer#sha256:}" 10
expect_exit 4 mlops copy "file://$TEST_DIR/a/demo:1.0" "file://$TEST_DIR/c"
expect_clean_error
expect_contains "$TEST_DIR/err" "$layer"
[ ! -e "$TEST_DIR/c/demo/index.json" ] || expect_json "$TEST_DIR/c/demo/index.json" '[.manifests[] | select(.annotations["org.opencontainers.image.ref.name"])] | length' 0
