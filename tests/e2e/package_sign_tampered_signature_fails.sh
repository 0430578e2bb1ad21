#!/usr/bin/env bash
# A tampered signature fails `package verify --key` with exit 1: a statement rewritten to match other weights (its blobs re-digested so the store is consistent) does not verify, and a changed byte in the bundle blob is found.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops key generate release.key
expect_exit 0 mlops package sign demo:1.0 --key release.key
sig=$(signature_digest)
bundle=$(jq -r '.layers[0].digest' "$(store_blob "$sig")")

# What someone with write access to the store, but not the key, can do: claim other
# weights in the statement, keep the old signature, and re-digest every blob above it.
put() { # FILE: store it as a blob, print its digest
  local d
  d=$(sha256sum "$1" | cut -d' ' -f1)
  cp "$1" "$MLOPS_HOME/blobs/sha256/$d"
  echo "sha256:$d"
}
jq -r .dsseEnvelope.payload "$(store_blob "$bundle")" | base64 -d >statement.json
evil=$(printf 'evil weights' | sha256sum | cut -d' ' -f1)
jq -c --arg e "$evil" '(.predicate.resources[] | select(.name == "models/model.bin") | .digest) = $e' statement.json >forged.json
jq -c --arg p "$(base64 -w0 forged.json)" '.dsseEnvelope.payload = $p' "$(store_blob "$bundle")" >forged-bundle.json
new_bundle=$(put forged-bundle.json)
jq -c --arg d "$new_bundle" --argjson s "$(stat -c %s forged-bundle.json)" '.layers[0].digest = $d | .layers[0].size = $s' "$(store_blob "$sig")" >forged-manifest.json
new_sig=$(put forged-manifest.json)
jq --arg old "$sig" --arg new "$new_sig" --argjson s "$(stat -c %s forged-manifest.json)" \
  '(.manifests[] | select(.digest == $old)) |= (.digest = $new | .size = $s)' "$MLOPS_HOME/index.json" >index.json
cp index.json "$MLOPS_HOME/index.json"

expect_exit 1 mlops package verify demo:1.0 --key release.key.pub
expect_contains "$TEST_DIR/err" "does not verify"
expect_not_contains "$TEST_DIR/out" valid

# Signed again (the forgery replaced), then a byte of the bundle blob changed on disk.
expect_exit 0 mlops package sign demo:1.0 --key release.key
expect_exit 0 mlops package verify demo:1.0 --key release.key.pub
bundle=$(jq -r '.layers[0].digest' "$(store_blob "$(signature_digest)")")
flip_byte "$(store_blob "$bundle")" 20
expect_exit 1 mlops package verify demo:1.0 --key release.key.pub
expect_contains "$TEST_DIR/err" "$bundle"
