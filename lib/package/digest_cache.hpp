// SPDX-License-Identifier: MIT
// Digests of files and tar layers remembered by what stat() says about their inputs, so a
// rebuild of unchanged files reads nothing. Derived data in <store>/mlops/digests-v1: a
// missing, corrupt or stale cache only costs a re-read.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

namespace mlops::package {

namespace stdfs = std::filesystem;

struct FileKey {
  std::uint64_t dev = 0, ino = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  auto tie() const { return std::tie(dev, ino, size, mtime_ns, ctime_ns); }
  bool operator<(const FileKey& o) const { return tie() < o.tie(); }
  bool operator==(const FileKey& o) const { return tie() == o.tie(); }
  std::string str() const;  // "dev ino size mtime ctime", also used in tar layer keys
};
FileKey file_key(const struct stat& st);

struct LayerDigests {
  std::string digest, diff_id;  // sha256:...
  std::uint64_t size = 0;
};

class DigestCache {
 public:
  explicit DigestCache(stdfs::path file);
  void load();
  // Merges what this process learned into the file (under a lock), written atomically.
  void save();

  std::optional<std::string> file(const FileKey& key) const;
  // `now_ns` is when hashing began: a file modified that recently may change again within
  // the same timestamp tick, so its digest is not remembered (git's "racy" files).
  void remember_file(const FileKey& key, const std::string& digest, std::int64_t started_ns);
  std::optional<LayerDigests> layer(const std::string& key) const;
  void remember_layer(const std::string& key, const LayerDigests& d);

 private:
  stdfs::path m_file;
  mutable std::mutex m_mutex;
  std::map<FileKey, std::string> m_files, m_new_files;
  std::map<std::string, LayerDigests> m_layers, m_new_layers;
};

std::int64_t now_ns();

}  // namespace mlops::package
