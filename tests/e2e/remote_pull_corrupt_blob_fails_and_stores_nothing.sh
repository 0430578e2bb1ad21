#!/usr/bin/env bash
# A remote blob whose bytes do not match its digest: pull fails naming it (exit 4), the bad
# bytes never land in the store, and no tag is written.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
remote="$TEST_DIR/remote"
expect_exit 0 mlops push demo:1.0 "file://$remote"
layer=$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] == "models/model.bin") | .digest' \
  "$remote/demo/blobs/sha256/$(jq -r '.manifests[0].digest' "$remote/demo/index.json" | cut -d: -f2)")
flip_byte "$remote/demo/blobs/sha256/${layer#sha256:}" 1000

export MLOPS_HOME="$TEST_DIR/second-store"
expect_exit 4 mlops pull "file://$remote/demo:1.0"
expect_clean_error
expect_contains "$TEST_DIR/err" "$layer"
expect_no_path "$(store_blob "$layer")"
expect_no_path "$MLOPS_HOME/ingest/partial-${layer#sha256:}"
expect_json "$MLOPS_HOME/index.json" '.manifests | length' 0
