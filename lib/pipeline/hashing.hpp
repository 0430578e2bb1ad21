// SPDX-License-Identifier: MIT
// Content digests of deps and outputs: sha256 of a file's bytes (the digest its blob has in
// the package store), and for a directory the sha256 of its canonical manifest. Two stat
// caches (stat_cache.hpp) mean a file whose stat data is known is not read again, and a
// directory whose entries' stat data are all known gets no manifest built again: `digests`
// (a file's digest by device, inode, size, mtime and ctime in ns) and `dirs` (a directory's
// digest by the sha256 of its listing, a single file's by its stat key); nothing touched
// less than 100 ms before hashing started is remembered (git's racy rule).
#pragma once

#include "package/store.hpp"
#include "pipeline/stat_cache.hpp"

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
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

class Hasher {
 public:
  // `cache_file`: the stat cache (derived data; missing or corrupt only costs a re-read).
  explicit Hasher(const stdfs::path& cache_file);
  // nullopt when nothing is at `path`. A directory's manifest lists every regular file and
  // symlink below it (symlinks by their target text; nothing else is followed).
  std::optional<Digest> hash(const stdfs::path& path);
  // Like hash(), also writing every file (and a directory's manifest) into `store` as blobs.
  std::optional<Digest> store(const stdfs::path& path, package::Store& store);
  void save();  // both stat caches, merged with what others saved
  std::size_t files_read() const { return m_read.load(); }

  // The manifest text for a directory (exposed for tests).
  std::string manifest(const stdfs::path& dir, package::Store* store, std::uint64_t& size, std::uint64_t& nfiles);

 private:
  struct Entry {
    std::string rel;  // below the listed directory, '/'-separated
    struct stat st;
  };
  // Regular files and symlinks below `dir`, sorted by path: each directory read once
  // (readdir), each entry stat'ed once, by its name relative to the directory's fd.
  std::vector<Entry> list(const stdfs::path& dir);
  std::string manifest(const stdfs::path& dir, const std::vector<Entry>& entries, package::Store* store, std::uint64_t& size,
                       std::uint64_t& nfiles);
  std::string file_digest(const stdfs::path& path, const struct stat& st, package::Store* store);
  std::optional<Digest> digest(const stdfs::path& path, package::Store* store);

  RecordFile<FileRecord> m_files;
  RecordFile<DirRecord> m_dirs;
  std::atomic<std::size_t> m_read{0};
};

}  // namespace mlops::pipeline
