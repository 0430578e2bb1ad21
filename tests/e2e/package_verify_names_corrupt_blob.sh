#!/usr/bin/env bash
# verify re-hashes every blob: a flipped byte in the weights exits 1 and names the blob and
# its file; a missing blob too.
. "$(dirname "$0")/harness.sh"

make_package_project proj
expect_exit 0 mlops -C proj package build
expect_exit 0 mlops package verify demo:1.0
expect_contains "$TEST_DIR/out" "ok: 6 blobs"
m=$(jq -r '.manifests[0].digest' "$MLOPS_HOME/index.json")
w=$(jq -r '.layers[0].digest' "$(store_blob "$m")")
f=$(store_blob "$w")
chmod u+w "$f"
printf 'X' | dd of="$f" bs=1 seek=1000 conv=notrunc status=none
expect_exit 1 mlops package verify demo:1.0
expect_contains "$TEST_DIR/err" "blob $w (models/model.bin): content does not match its digest"
rm "$f"
expect_exit 1 mlops --json package verify demo:1.0
expect_json "$TEST_DIR/out" .ok false
expect_contains "$TEST_DIR/err" "blob $w (models/model.bin): missing from the store"
