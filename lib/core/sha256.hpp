// SPDX-License-Identifier: MIT
// SHA-256 through OpenSSL's libcrypto (SHA-NI where the CPU has it), loaded on first use
// like libgit2 (core/dynlib.hpp): most commands never hash anything.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace mlops {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::string hex();  // finishes the digest
  void reset();       // starts again from no bytes

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

std::string sha256_hex(std::string_view data);
// HMAC-SHA256 (libcrypto's HMAC), the raw 32 bytes: AWS Signature V4 keys and signatures.
std::string hmac_sha256(std::string_view key, std::string_view data);

struct FileDigest {
  std::uint64_t size = 0;
  std::string sha256;
};
// Streams the file through the hash; memory stays flat whatever its size.
FileDigest sha256_file(const std::filesystem::path& path);

}  // namespace mlops
