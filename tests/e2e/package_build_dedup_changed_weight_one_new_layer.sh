#!/usr/bin/env bash
# A second version that changes one of two weight files stores exactly one new layer blob;
# everything else is shared. The other new blobs are the small ones that name the content:
# model card, config and manifest.
. "$(dirname "$0")/harness.sh"

make_package_project proj
head -c 1500000 /dev/urandom >proj/models/extra.bin
cat >>proj/mlops.yaml <<'YAML'
YAML
sed -i 's|^  code: \[src/\]|    - path: models/extra.bin\n  code: [src/]|' proj/mlops.yaml
expect_exit 0 mlops -C proj package build
before=$(find "$MLOPS_HOME/blobs/sha256" -type f | wc -l)

head -c 1500000 /dev/urandom >proj/models/extra.bin
sed -i 's/version: "1.0"/version: "1.1"/' proj/mlops.yaml
expect_exit 0 mlops --json -C proj package build
expect_json "$TEST_DIR/out" .ref demo:1.1
expect_json "$TEST_DIR/out" '[.layers[] | select(.reused == false) | .path] | sort | join(",")' "MODEL_CARD.md,models/extra.bin"
expect_json "$TEST_DIR/out" '[.layers[] | select(.path == "models/model.bin" or .path == "src" or .path == "README.md") | .cached] | all' true
after=$(find "$MLOPS_HOME/blobs/sha256" -type f | wc -l)
expect_eq "$((after - before))" 4 "new blobs: weight, model card, config, manifest"
expect_exit 0 mlops package verify demo:1.0
expect_exit 0 mlops package verify demo:1.1
