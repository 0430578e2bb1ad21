#!/usr/bin/env bash
# A byte flipped in a store blob: verify says how to repair it and that works. A rebuild
# notices the store copy changed and writes it again (it used to trust it by its size: "0 new
# blobs"); an import compares the store copy with the tarball's bytes and replaces it;
# verify --repair moves it aside, and the next build makes it anew; gc deletes what was moved.
. "$(dirname "$0")/harness.sh"

make_package_project proj
build_package proj
expect_exit 0 mlops package export demo:1.0 good.tar
weights=$(jq -r '.layers[0].digest' "$(store_blob "$(package_digest)")")
card=$(jq -r '.layers[-1].digest' "$(store_blob "$(package_digest)")")

# A rebuild with the digest cache warm (it would read nothing) repairs the weights.
flip_byte "$(store_blob "$weights")" 1000
expect_exit 1 mlops package verify demo:1.0
expect_contains "$TEST_DIR/err" "content does not match its digest"
expect_contains "$TEST_DIR/err" "--repair"
expect_exit 0 mlops --json -C proj package build
expect_json "$TEST_DIR/out" '.layers[0].reused' true
expect_exit 0 mlops package verify demo:1.0

# The model card (put as a whole blob, not through the cache) too.
flip_byte "$(store_blob "$card")" 3
expect_exit 0 mlops -C proj package build
expect_exit 0 mlops package verify demo:1.0

# An import of the package's own tarball repairs the store copy.
flip_byte "$(store_blob "$weights")" 5
expect_exit 0 mlops package import good.tar
expect_exit 0 mlops package verify demo:1.0

# verify --repair moves the bad copy aside; the next build makes it anew; gc deletes it.
flip_byte "$(store_blob "$weights")" 7
expect_exit 1 mlops package verify demo:1.0 --repair
expect_contains "$TEST_DIR/err" "moved 1 corrupt blob aside"
expect_no_path "$(store_blob "$weights")"
expect_file "$MLOPS_HOME/mlops/corrupt/${weights#sha256:}"
expect_exit 1 mlops package verify demo:1.0
expect_contains "$TEST_DIR/err" "missing from the store"
expect_exit 0 mlops --json -C proj package build
expect_json "$TEST_DIR/out" .new_blobs 1
expect_exit 0 mlops package verify demo:1.0
expect_exit 0 mlops package gc
expect_no_path "$MLOPS_HOME/mlops/corrupt/${weights#sha256:}"
