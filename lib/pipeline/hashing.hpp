// SPDX-License-Identifier: MIT
// Content digests of deps and outputs: sha256 of a file's bytes (the digest its blob has in
// the package store), and for a directory the sha256 of its canonical manifest. A stat cache
// (package::DigestCache: device, inode, size, mtime and ctime in ns, with the racy rule)
// means a file whose stat data is known is not read again.
#pragma once

#include "package/digest_cache.hpp"
#include "package/store.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace mlops::pipeline {

namespace stdfs = std::filesystem;

inline constexpr const char* k_dir_media_type = "application/vnd.mlops.pipeline.dir.v1+json";

struct Digest {
  std::string sha256;  // hex, no "sha256:"
  std::uint64_t size = 0;
  std::uint64_t nfiles = 0;  // directories only
  bool dir = false;
};

class Hasher {
 public:
  // `cache_file`: the stat cache (derived data; missing or corrupt only costs a re-read).
  explicit Hasher(stdfs::path cache_file);
  // nullopt when nothing is at `path`. A directory's manifest lists every regular file and
  // symlink below it (symlinks by their target text; nothing else is followed).
  std::optional<Digest> hash(const stdfs::path& path);
  // Like hash(), also writing every file (and a directory's manifest) into `store` as blobs.
  std::optional<Digest> store(const stdfs::path& path, package::Store& store);
  void save();  // the stat cache, merged with what others saved
  std::size_t files_read() const { return m_read.load(); }

  // The manifest text for a directory (exposed for tests).
  std::string manifest(const stdfs::path& dir, package::Store* store, std::uint64_t& size, std::uint64_t& nfiles);

 private:
  std::string file_digest(const stdfs::path& path, const struct stat& st, package::Store* store);
  std::optional<Digest> digest(const stdfs::path& path, package::Store* store);

  package::DigestCache m_cache;
  std::atomic<std::size_t> m_read{0};
};

}  // namespace mlops::pipeline
