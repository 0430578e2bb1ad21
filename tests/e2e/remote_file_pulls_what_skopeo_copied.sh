#!/usr/bin/env bash
# A package skopeo copied into an OCI layout directory (oci:DIR:TAG, a bare tag as its ref
# name) is pulled by `mlops pull file:///DIR:TAG` and verifies.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
command -v skopeo >/dev/null || skip "skopeo is not installed"

package_project
digest=$(package_digest)
mkdir -p layouts
skopeo copy -q "oci:$MLOPS_HOME:demo:1.0" "oci:$TEST_DIR/layouts/demo:v7" || fail "skopeo copy failed"

export MLOPS_HOME="$TEST_DIR/second-store"
expect_exit 0 mlops --json pull "file://$TEST_DIR/layouts/demo:v7"
expect_json "$TEST_DIR/out" .ref demo:v7
expect_json "$TEST_DIR/out" .digest "$digest"
expect_exit 0 mlops package verify demo:v7
