#!/usr/bin/env bash
# A package signed with `mlops package sign --key` verifies with the public key (exit 0, key id reported); the signature is a referrer of the package whose in-toto statement lists every regular file (not symlinks), sorted, with the sha256 of the project file; signing again replaces it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops --json key generate release.key
kid=$(jq -r .key_id "$TEST_DIR/out")

expect_exit 0 mlops --json package sign demo:1.0 --key release.key
expect_json "$TEST_DIR/out" .key_id "$kid"
sig=$(jq -r .signature "$TEST_DIR/out")
expect_eq "$(signature_digest)" "$sig" "the signature in index.json"

expect_exit 0 mlops package verify demo:1.0 --key release.key.pub
expect_contains "$TEST_DIR/out" "signature by ${kid:0:16} valid"
expect_exit 0 mlops --json package verify demo:1.0 --key release.key.pub
expect_json "$TEST_DIR/out" .ok true
expect_json "$TEST_DIR/out" .signature_checked true
expect_json "$TEST_DIR/out" .key_id "$kid"

# The referrer: subject = the package, one Sigstore bundle holding the DSSE envelope.
expect_json "$(store_blob "$sig")" .subject.digest "$(package_digest)"
expect_json "$(store_blob "$sig")" .artifactType application/vnd.dev.sigstore.bundle.v0.3+json
expect_json "$(store_blob "$sig")" '.annotations["ai.mlops.key.id"]' "$kid"
bundle=$(jq -r '.layers[0].digest' "$(store_blob "$sig")")
expect_json "$(store_blob "$bundle")" .mediaType application/vnd.dev.sigstore.bundle.v0.3+json
expect_json "$(store_blob "$bundle")" .dsseEnvelope.payloadType application/vnd.in-toto+json
jq -r .dsseEnvelope.payload "$(store_blob "$bundle")" | base64 -d >statement.json
expect_json statement.json ._type https://in-toto.io/Statement/v1
expect_json statement.json .predicateType https://model_signing/signature/v1.0
expect_json statement.json '.subject[] | select(.name == "oci-manifest") | .digest.sha256' "$(package_digest | cut -d: -f2)"
for f in models/model.bin src/pkg/__init__.py src/run.sh README.md; do
  expect_json statement.json ".predicate.resources[] | select(.name == \"$f\") | .digest" "$(sha256sum "proj/$f" | cut -d' ' -f1)"
done
expect_json statement.json '[.predicate.resources[].name] == ([.predicate.resources[].name] | sort)' true
# A symlink is not a file of its own: its target is signed, the link is held by its layer.
expect_json statement.json '[.predicate.resources[] | select(.name == "src/alias.py")] | length' 0

# Signing again with the same key replaces the signature.
expect_exit 0 mlops package sign demo:1.0 --key release.key
expect_eq "$(signature_digest | wc -l)" 1 "signatures by one key"
expect_exit 0 mlops package verify demo:1.0 --key release.key.pub
