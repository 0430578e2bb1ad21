#!/usr/bin/env bash
# The private key can come from an environment variable (`--key env:NAME`, for CI secrets): the signature verifies; an unset variable is exit 3 and a malformed one exit 4, neither echoing the value.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# demo:1.0 built from the harness's package project; the digests of its manifest and of its
# signature manifest (the referrer in index.json).
package_project() {
  make_package_project proj
  (cd proj && "$MLOPS" package build >"$TEST_DIR/build.out" 2>&1) || { cat "$TEST_DIR/build.out" >&2; fail "package build failed"; }
}
package_digest() { jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "demo:1.0") | .digest' "$MLOPS_HOME/index.json"; }
signature_digest() { jq -r --arg d "$(package_digest)" '.manifests[] | select(.annotations["ai.mlops.subject"] == $d) | .digest' "$MLOPS_HOME/index.json"; }

package_project
expect_exit 0 mlops key generate release.key

MLOPS_SIGNING_KEY=$(cat release.key) expect_exit 0 mlops package sign demo:1.0 --key env:MLOPS_SIGNING_KEY
expect_exit 0 mlops package verify demo:1.0 --key release.key.pub

unset MLOPS_SIGNING_KEY
expect_exit 3 mlops package sign demo:1.0 --key env:MLOPS_SIGNING_KEY
expect_clean_error
expect_contains "$TEST_DIR/err" MLOPS_SIGNING_KEY

MLOPS_SIGNING_KEY="not-a-key-s3cr3t" expect_exit 4 mlops package sign demo:1.0 --key env:MLOPS_SIGNING_KEY
expect_clean_error
expect_not_contains "$TEST_DIR/err" s3cr3t
