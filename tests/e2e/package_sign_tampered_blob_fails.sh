#!/usr/bin/env bash
# A byte changed in the weight blob of a signed package: `package verify --key` exits 1 and names the blob and the file.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops key generate release.key
expect_exit 0 mlops package sign demo:1.0 --key release.key
expect_exit 0 mlops package verify demo:1.0 --key release.key.pub

weights=$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] == "models/model.bin") | .digest' "$(store_blob "$(package_digest)")")
[ -n "$weights" ] || fail "no layer for models/model.bin"
flip_byte "$(store_blob "$weights")" 1000

expect_exit 1 mlops package verify demo:1.0 --key release.key.pub
expect_contains "$TEST_DIR/err" "$weights"
expect_contains "$TEST_DIR/err" models/model.bin
expect_contains "$TEST_DIR/err" "differs from the signed"
expect_not_contains "$TEST_DIR/out" valid
expect_not_contains "$TEST_DIR/err" "Sanitizer"
expect_exit 1 mlops --json package verify demo:1.0 --key release.key.pub
expect_json "$TEST_DIR/out" .ok false
expect_json "$TEST_DIR/out" .signature_checked false
