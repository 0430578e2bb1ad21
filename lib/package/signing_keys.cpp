// SPDX-License-Identifier: MIT
#include "package/signing_keys.hpp"

#include "core/sha256.hpp"
#include "package/c_libs.hpp"

#include <mlops/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace mlops::package {

namespace {

// RFC 8410: the DER of an Ed25519 key is a fixed prefix followed by the 32 key bytes, so
// writing and parsing need no ASN.1 library, and anything else is refused outright.
constexpr unsigned char k_pkcs8_prefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
constexpr unsigned char k_spki_prefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

constexpr const char* k_private_label = "PRIVATE KEY";
constexpr const char* k_public_label = "PUBLIC KEY";

// Key files are a few hundred bytes; anything much bigger is the wrong file.
constexpr std::size_t k_max_key_file = 64 * 1024;

// A string that holds key material and is wiped when it dies. Its capacity is reserved up
// front by the code filling it, so no reallocation leaves a copy behind in freed memory.
struct SecretString {
  std::string s;
  SecretString() = default;
  ~SecretString() { wipe(s); }
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
};

std::string pem(std::string_view der, const char* label) {
  std::string b64 = base64_encode(der);
  std::string out;
  out.reserve(b64.size() + b64.size() / 64 + 64);
  out += "-----BEGIN ";
  out += label;
  out += "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) {
    out.append(b64, i, 64);
    out += '\n';
  }
  out += "-----END ";
  out += label;
  out += "-----\n";
  wipe(b64);
  return out;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The DER inside the one PEM block of `text`, which must carry `label`.
void pem_body(std::string_view text, const char* label, const std::string& what, SecretString& der) {
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  const std::string begin = std::string("-----BEGIN ") + label + "-----";
  const std::string end = std::string("-----END ") + label + "-----";
  const bool is_public = std::string_view(label) == k_public_label;
  if (lines.empty() || lines.front() != begin) {
    const std::string_view first = lines.empty() ? std::string_view() : lines.front();
    if (first.substr(0, 11) == "-----BEGIN ") {
      const std::string found(first.substr(11, first.find("-----", 11) - 11));
      if (is_public && found == k_private_label) {
        throw Error(ErrorKind::invalid_input, what + " holds a private key, not a public key", "give the .pub file written beside it");
      }
      if (!is_public && found == k_public_label) {
        throw Error(ErrorKind::invalid_input, what + " holds a public key, not a private key",
                    "sign with the private key (the file without .pub)");
      }
      throw Error(ErrorKind::invalid_input,
                  what + " holds a PEM '" + found + "', not an Ed25519 " + (is_public ? "public" : "private") + " key",
                  "create a key pair with 'mlops key generate'");
    }
    throw Error(ErrorKind::invalid_input, what + " is not a PEM file (no '" + begin + "' line)",
                "create a key pair with 'mlops key generate'");
  }
  if (lines.size() < 3 || lines.back() != end) {
    throw Error(ErrorKind::invalid_input, what + ": the PEM block has no body or no '" + end + "' line");
  }
  SecretString b64;
  std::size_t total = 0;
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) total += lines[i].size();
  b64.s.reserve(total);
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) b64.s += lines[i];
  auto decoded = base64_decode(b64.s);
  if (!decoded) throw Error(ErrorKind::invalid_input, what + ": the PEM body is not valid base64");
  der.s.reserve(decoded->size());
  der.s = *decoded;
  wipe(*decoded);
}

bool has_prefix(std::string_view der, const unsigned char* prefix, std::size_t n) {
  return der.size() >= n && std::memcmp(der.data(), prefix, n) == 0;
}

// Reads a key file or an "env:NAME" variable into `out`; `what` names it for messages.
void read_key_text(const stdfs::path& path, SecretString& out, std::string& what) {
  const std::string& s = path.native();
  if (s.rfind("env:", 0) == 0) {
    const std::string name = s.substr(4);
    what = "environment variable " + name;
    if (name.empty()) throw Error(ErrorKind::usage, "'env:' needs a variable name, as in env:MLOPS_SIGNING_KEY");
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') {
      throw Error(ErrorKind::not_found, "environment variable " + name + " is not set", "put the PEM text of the key in it");
    }
    const std::size_t n = std::strlen(value);
    if (n > k_max_key_file) throw Error(ErrorKind::invalid_input, what + " is too large to be a key");
    out.s.reserve(n);
    out.s.assign(value, n);
    return;
  }
  what = s;
  const int fd = ::open(s.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) throw Error(ErrorKind::not_found, "no key file " + s, "create a key pair with 'mlops key generate'");
    throw_errno("cannot read key " + s);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw_errno("cannot read key " + s);
  if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::invalid_input, s + " is not a key file");
  if (static_cast<std::size_t>(st.st_size) > k_max_key_file) throw Error(ErrorKind::invalid_input, s + " is too large to be a key");
  out.s.reserve(static_cast<std::size_t>(st.st_size) + 1);
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      wipe(buf, sizeof buf);
      throw_errno("cannot read key " + s);
    }
    if (n == 0) break;
    if (out.s.size() + static_cast<std::size_t>(n) > k_max_key_file) {
      wipe(buf, sizeof buf);
      throw Error(ErrorKind::invalid_input, s + " is too large to be a key");
    }
    out.s.append(buf, static_cast<std::size_t>(n));
  }
  wipe(buf, sizeof buf);
}

}  // namespace

void wipe(void* data, std::size_t size) noexcept {
  if (data == nullptr || size == 0) return;
  try {
    sodium_memzero(data, size);
  } catch (...) {
    ::explicit_bzero(data, size);  // libsodium failed to load: the libc equivalent
  }
}

void wipe(std::string& s) noexcept {
  wipe(s.data(), s.capacity());
  s.clear();
}

PrivateKey::~PrivateKey() {
  wipe(seed.data(), seed.size());
  wipe(secret.data(), secret.size());
}

void PrivateKey::derive() {
  if (crypto_sign_seed_keypair(public_key.data(), secret.data(), seed.data()) != 0) {
    throw Error(ErrorKind::internal, "libsodium could not derive an Ed25519 key pair");
  }
}

std::string private_key_pem(const PrivateKey& key) {
  SecretString der;
  der.s.reserve(sizeof k_pkcs8_prefix + key.seed.size());
  der.s.assign(reinterpret_cast<const char*>(k_pkcs8_prefix), sizeof k_pkcs8_prefix);
  der.s.append(reinterpret_cast<const char*>(key.seed.data()), key.seed.size());
  return pem(der.s, k_private_label);
}

std::string public_key_pem(const PublicKey& key) {
  std::string der(reinterpret_cast<const char*>(k_spki_prefix), sizeof k_spki_prefix);
  der.append(reinterpret_cast<const char*>(key.data()), key.size());
  return pem(der, k_public_label);
}

void parse_private_key_pem(std::string_view text, const std::string& what, PrivateKey& out) {
  SecretString der;
  pem_body(text, k_private_label, what, der);
  if (der.s.size() != sizeof k_pkcs8_prefix + out.seed.size() || !has_prefix(der.s, k_pkcs8_prefix, sizeof k_pkcs8_prefix)) {
    throw Error(ErrorKind::invalid_input, what + " is not an Ed25519 private key (PKCS#8)",
                "only Ed25519 keys are supported: 'mlops key generate' or 'openssl genpkey -algorithm ed25519'");
  }
  std::memcpy(out.seed.data(), der.s.data() + sizeof k_pkcs8_prefix, out.seed.size());
  out.derive();
}

PublicKey parse_public_key_pem(std::string_view text, const std::string& what) {
  SecretString der;  // not secret, but the same reader
  pem_body(text, k_public_label, what, der);
  PublicKey key{};
  if (der.s.size() != sizeof k_spki_prefix + key.size() || !has_prefix(der.s, k_spki_prefix, sizeof k_spki_prefix)) {
    throw Error(ErrorKind::invalid_input, what + " is not an Ed25519 public key (SPKI)", "only Ed25519 keys are supported");
  }
  std::memcpy(key.data(), der.s.data() + sizeof k_spki_prefix, key.size());
  return key;
}

void load_private_key(const stdfs::path& path, PrivateKey& out) {
  SecretString text;
  std::string what;
  read_key_text(path, text, what);
  parse_private_key_pem(text.s, what, out);
}

PublicKey load_public_key(const stdfs::path& path) {
  SecretString text;
  std::string what;
  read_key_text(path, text, what);
  return parse_public_key_pem(text.s, what);
}

std::string key_id(const PublicKey& key) { return sha256_hex(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())); }

std::string base64_encode(std::string_view data) {
  const std::size_t len = sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string out(len, '\0');
  sodium_bin2base64(out.data(), len, reinterpret_cast<const unsigned char*>(data.data()), data.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(len - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  std::size_t n = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr, &n, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    wipe(out);
    return std::nullopt;
  }
  out.resize(n);
  return out;
}

}  // namespace mlops::package
