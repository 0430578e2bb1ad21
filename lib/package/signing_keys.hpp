// SPDX-License-Identifier: MIT
// Ed25519 keys of package signatures, in the PEM files every other tool reads: the private key
// as PKCS#8 (RFC 8410, what `openssl genpkey -algorithm ed25519` writes) and the public key
// as SPKI, so keys can be made, inspected or converted with openssl as well as with us.
//
// A key path "env:NAME" means "the PEM text in environment variable NAME", for CI systems
// that hand secrets over as variables rather than files.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mlops::package {

namespace stdfs = std::filesystem;

using PublicKey = std::array<unsigned char, 32>;

// A private key and the public key derived from it; the secret bytes are wiped when it dies.
struct PrivateKey {
  std::array<unsigned char, 32> seed{};    // what the PKCS#8 file holds
  std::array<unsigned char, 64> secret{};  // libsodium's expanded form (seed || public key)
  PublicKey public_key{};

  PrivateKey() = default;
  ~PrivateKey();
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  // Derives `secret` and `public_key` from `seed`.
  void derive();
};

// Zeroes a buffer holding key material in a way the compiler cannot drop.
void wipe(void* data, std::size_t size) noexcept;
void wipe(std::string& s) noexcept;

std::string private_key_pem(const PrivateKey& key);
std::string public_key_pem(const PublicKey& key);

// Strict parsers: one PEM block of the right label, base64 with padding, exactly the DER of
// an Ed25519 key. Error{invalid_input} naming `what` (a file or variable) otherwise.
void parse_private_key_pem(std::string_view pem, const std::string& what, PrivateKey& out);
PublicKey parse_public_key_pem(std::string_view pem, const std::string& what);

// From a file or "env:NAME". Error{not_found} when missing, Error{invalid_input} when malformed.
void load_private_key(const stdfs::path& path, PrivateKey& out);
PublicKey load_public_key(const stdfs::path& path);

// Hex sha256 of the raw 32-byte public key: names the key in signatures and messages.
std::string key_id(const PublicKey& key);

// Standard base64 with padding (RFC 4648 §4), as DSSE and Sigstore bundles use.
std::string base64_encode(std::string_view data);
// Nothing when `text` is not exactly that (no whitespace, no missing padding).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mlops::package
