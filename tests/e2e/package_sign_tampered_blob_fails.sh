#!/usr/bin/env bash
# A byte changed in the weight blob of a signed package: `package verify --key` exits 1 and names the blob and the file.
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
# flip_byte FILE OFFSET: the byte there becomes another one.
flip_byte() {
  local b
  b=$(dd if="$1" bs=1 skip="$2" count=1 status=none | od -An -tu1 | tr -d ' ')
  chmod u+w "$1"
  printf '%b' "$(printf '\\0%03o' $(((b + 1) % 256)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

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
