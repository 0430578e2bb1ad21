#!/usr/bin/env bash
# `mlops key generate` writes an Ed25519 pair that openssl reads: the private key as PKCS#8 PEM mode 0600, PATH.pub as SPKI PEM 0644; the key id is the sha256 of the raw public key; an existing pair is never overwritten.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v openssl >/dev/null || skip "openssl is not installed"

# The default path, in the current directory.
expect_exit 0 mlops key generate
expect_file mlops-signing.key
expect_file mlops-signing.key.pub
expect_eq "$(stat -c %a mlops-signing.key)" 600 "private key mode"
expect_eq "$(stat -c %a mlops-signing.key.pub)" 644 "public key mode"
expect_contains "$TEST_DIR/out" mlops-signing.key.pub
head -1 mlops-signing.key | grep -qx -- '-----BEGIN PRIVATE KEY-----' || fail "not a PKCS#8 PEM private key"
head -1 mlops-signing.key.pub | grep -qx -- '-----BEGIN PUBLIC KEY-----' || fail "not an SPKI PEM public key"
# No key material on the terminal.
body=$(sed -n 2p mlops-signing.key)
expect_not_contains "$TEST_DIR/out" "$body"
expect_not_contains "$TEST_DIR/err" "$body"

# openssl sees an ED25519 key, and derives the very public key we wrote.
openssl pkey -in mlops-signing.key -noout -text >"$TEST_DIR/text" 2>&1 || { cat "$TEST_DIR/text" >&2; fail "openssl cannot read the private key"; }
expect_contains "$TEST_DIR/text" "ED25519"
openssl pkey -pubin -in mlops-signing.key.pub -noout 2>"$TEST_DIR/text" || { cat "$TEST_DIR/text" >&2; fail "openssl cannot read the public key"; }
openssl pkey -in mlops-signing.key -pubout >derived.pub
cmp -s derived.pub mlops-signing.key.pub || fail "the .pub file is not the public half of the private key"

# --json, another path; key_id = sha256 of the 32 raw key bytes (the end of the SPKI DER).
mkdir keys.d
expect_exit 0 mlops --json key generate keys.d/release.key
expect_json "$TEST_DIR/out" .private_key keys.d/release.key
expect_json "$TEST_DIR/out" .public_key keys.d/release.key.pub
raw_id=$(openssl pkey -pubin -in keys.d/release.key.pub -outform DER | tail -c 32 | sha256sum | cut -d' ' -f1)
expect_json "$TEST_DIR/out" .key_id "$raw_id"

# Never over an existing key: exit 6 (conflict), both files untouched; a lone .pub is enough.
before=$(sha256sum mlops-signing.key mlops-signing.key.pub)
expect_exit 6 mlops key generate
expect_clean_error
expect_eq "$(sha256sum mlops-signing.key mlops-signing.key.pub)" "$before" "existing pair changed"
echo mine >lone.key.pub
expect_exit 6 mlops key generate lone.key
expect_no_path lone.key
expect_eq "$(cat lone.key.pub)" mine
