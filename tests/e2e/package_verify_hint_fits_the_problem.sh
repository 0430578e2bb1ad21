#!/usr/bin/env bash
# verify's hint fits the problem: a package not signed by the key gets how to sign it, not
# "--repair moves corrupt blobs aside"; a corrupt blob gets --repair; --json names the corrupt
# digests.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_package_project proj
build_package proj
expect_exit 0 mlops key generate k.key
expect_exit 1 mlops package verify demo:1.0 --key k.key.pub
expect_contains "$TEST_DIR/err" "no signature by key"
expect_not_contains "$TEST_DIR/err" "--repair"
expect_contains "$TEST_DIR/err" "mlops package sign demo:1.0 --key"

weights=$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] | test("model")) | .digest' \
  "$(store_blob "$(package_digest)")" | head -1)
[ -n "$weights" ] || fail "no model layer in the manifest"
flip_byte "$(store_blob "$weights")" 100
expect_exit 1 mlops --json package verify demo:1.0
expect_contains "$TEST_DIR/err" "--repair"
expect_json "$TEST_DIR/out" '.corrupt | join(",")' "$weights"
