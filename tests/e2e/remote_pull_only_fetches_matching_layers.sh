#!/usr/bin/env bash
# `pull --only model` fetches the weight layer (and the config and manifest), not the code or
# docs layers; the package is listed as partial, unpack --filter model works, and verify
# names the layers that were not pulled. A later full pull completes it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
remote="$TEST_DIR/remote"
expect_exit 0 mlops push demo:1.0 "file://$remote"
manifest="$remote/demo/blobs/sha256/$(jq -r '.manifests[0].digest' "$remote/demo/index.json" | cut -d: -f2)"
model=$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] == "models/model.bin") | .digest' "$manifest")
code=$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] == "src") | .digest' "$manifest")

export MLOPS_HOME="$TEST_DIR/second-store"
expect_exit 0 mlops --json pull "file://$remote/demo:1.0" --only model
expect_json "$TEST_DIR/out" .partial true
expect_json "$TEST_DIR/out" .layers_left_out 3   # src, README.md, MODEL_CARD.md
expect_file "$(store_blob "$model")"
expect_no_path "$(store_blob "$code")"
expect_json "$MLOPS_HOME/index.json" '.manifests[0].annotations["ai.mlops.partial"]' model
expect_exit 0 mlops package unpack demo:1.0 weights --filter model
expect_file weights/models/model.bin
expect_exit 1 mlops package verify demo:1.0
expect_contains "$TEST_DIR/err" "partial"
expect_exit 6 mlops push demo:1.0 "file://$TEST_DIR/elsewhere"   # it lacks layers
expect_clean_error
expect_contains "$TEST_DIR/err" "partial package"

expect_exit 3 mlops pull "file://$remote/demo:1.0" --only 'nothing/*'
expect_clean_error
expect_exit 0 mlops --json pull "file://$remote/demo:1.0"
expect_json "$TEST_DIR/out" .partial false
expect_json "$MLOPS_HOME/index.json" '.manifests[0].annotations["ai.mlops.partial"]' null
expect_exit 0 mlops package verify demo:1.0
