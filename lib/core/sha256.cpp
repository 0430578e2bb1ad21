// SPDX-License-Identifier: MIT
#include "core/sha256.hpp"

#include "core/dynlib.hpp"

#include <mlops/error.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <vector>

namespace mlops {
namespace {

constinit dynlib::Library g_libcrypto{MLOPS_LIBCRYPTO_SONAME, "OpenSSL libcrypto"};
#define MLOPS_CRYPTO_FUNCTION(name) constinit dynlib::LazyFunction<decltype(::name)> name{g_libcrypto, #name};
MLOPS_CRYPTO_FUNCTION(EVP_MD_CTX_new)
MLOPS_CRYPTO_FUNCTION(EVP_MD_CTX_free)
MLOPS_CRYPTO_FUNCTION(EVP_sha256)
MLOPS_CRYPTO_FUNCTION(EVP_DigestInit_ex)
MLOPS_CRYPTO_FUNCTION(EVP_DigestUpdate)
MLOPS_CRYPTO_FUNCTION(EVP_DigestFinal_ex)
MLOPS_CRYPTO_FUNCTION(HMAC)
#undef MLOPS_CRYPTO_FUNCTION

}  // namespace

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = EVP_MD_CTX_new();
  if (m_impl->ctx == nullptr || EVP_DigestInit_ex(m_impl->ctx, EVP_sha256(), nullptr) != 1) {
    throw Error(ErrorKind::internal, "cannot initialise SHA-256");
  }
}

Sha256::~Sha256() {
  if (m_impl && m_impl->ctx != nullptr) EVP_MD_CTX_free(m_impl->ctx);
}

void Sha256::update(const void* data, size_t size) {
  if (EVP_DigestUpdate(m_impl->ctx, data, size) != 1) throw Error(ErrorKind::internal, "SHA-256 update failed");
}

void Sha256::reset() {
  if (EVP_DigestInit_ex(m_impl->ctx, EVP_sha256(), nullptr) != 1) throw Error(ErrorKind::internal, "cannot initialise SHA-256");
}

std::string Sha256::hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(m_impl->ctx, md, &n) != 1) throw Error(ErrorKind::internal, "SHA-256 final failed");
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (unsigned i = 0; i < n; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex();
}

FileDigest sha256_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot read " + path.string());
  Sha256 h;
  FileDigest d;
  std::vector<char> buf(1 << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw_errno("cannot read " + path.string());
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<size_t>(n));
    d.size += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  d.sha256 = h.hex();
  return d;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (key.size() > static_cast<std::size_t>(INT_MAX) ||
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &len) == nullptr ||
      len != 32)
    throw Error(ErrorKind::internal, "HMAC-SHA256 failed");
  return {reinterpret_cast<const char*>(out), len};
}

}  // namespace mlops
