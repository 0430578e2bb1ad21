#!/usr/bin/env bash
# The signature is standard: openssl verifies the Ed25519 signature of the DSSE envelope over PAE(payloadType, payload) with the .pub file, and rejects it over a changed payload.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v openssl >/dev/null || skip "openssl is not installed"
package_project
expect_exit 0 mlops key generate release.key
expect_exit 0 mlops package sign demo:1.0 --key release.key
bundle=$(store_blob "$(jq -r '.layers[0].digest' "$(store_blob "$(signature_digest)")")")

type=$(jq -r .dsseEnvelope.payloadType "$bundle")
jq -r .dsseEnvelope.payload "$bundle" | base64 -d >payload
jq -r '.dsseEnvelope.signatures[0].sig' "$bundle" | base64 -d >sig
expect_eq "$(stat -c %s sig)" 64 "Ed25519 signature size"
{ printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$(stat -c %s payload)"; cat payload; } >pae
openssl pkeyutl -verify -pubin -inkey release.key.pub -rawin -in pae -sigfile sig >"$TEST_DIR/ossl" 2>&1 ||
  { cat "$TEST_DIR/ossl" >&2; fail "openssl does not verify the signature"; }
sed 's/models\/model.bin/models\/model.bim/' pae >pae2
! openssl pkeyutl -verify -pubin -inkey release.key.pub -rawin -in pae2 -sigfile sig >/dev/null 2>&1 || fail "openssl verified a changed payload"
