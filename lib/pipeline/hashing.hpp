// SPDX-License-Identifier: MIT
// Content digests of deps and outputs: sha256 of a file's bytes (the digest its blob has in
// the package store), and for a directory the sha256 of its canonical manifest. A stat cache
// (package::DigestCache: device, inode, size, mtime and ctime in ns, with the racy rule)
// means a file whose stat data is known is not read again.
#pragma once

#include "package/digest_cache.hpp"
#include "package/store.hpp"

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mlops::pipeline {

namespace stdfs = std::filesystem;

inline constexpr const char* k_dir_media_type = "application/vnd.mlops.pipeline.dir.v1+json";

struct Digest {
  std::string sha256;  // hex, no "sha256:"
  std::uint64_t size = 0;
  std::uint64_t nfiles = 0;  // directories only
  bool dir = false;
};

// Directory digests by the sha256 of their listing (each entry's path, mode and stat key):
// an unchanged directory's manifest is not built again; single files by their stat key too.
// `<state>/dirs`, derived data: lines "KIND KEY SHA256 SIZE NFILES" (KIND d or f) after a header; anything
// else in it is ignored.
class DirCache {
 public:
  explicit DirCache(stdfs::path file) : m_file(std::move(file)) {}
  std::optional<Digest> find(const std::string& listing);
  void remember(const std::string& listing, const Digest& d);
  void save();

 private:
  void load();  // under m_mutex
  stdfs::path m_file;
  std::mutex m_mutex;
  bool m_loaded = false, m_changed = false;
  std::map<std::string, Digest> m_entries;
  std::set<std::string> m_used;
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
  struct Entry {
    std::string rel;
    stdfs::path full;
    struct stat st;
  };
  std::vector<Entry> list(const stdfs::path& dir);  // regular files and symlinks, sorted, lstat'ed
  std::string manifest(const std::vector<Entry>& entries, package::Store* store, std::uint64_t& size, std::uint64_t& nfiles);
  std::string file_digest(const stdfs::path& path, const struct stat& st, package::Store* store);
  std::optional<Digest> digest(const stdfs::path& path, package::Store* store);

  package::DigestCache m_cache;
  std::once_flag m_load_once;
  bool m_loaded = false;  // set once, under m_load_once
  DirCache m_dirs;
  std::atomic<std::size_t> m_read{0};
};

}  // namespace mlops::pipeline
