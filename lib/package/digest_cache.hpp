// SPDX-License-Identifier: MIT
// Digests of files and tar layers remembered by what stat() says about their inputs, so a
// rebuild of unchanged files reads nothing. Derived data in <store>/mlops/digests-v2: a
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

// What stat() said about the store's copy of a blob when its digest was remembered. A copy
// that has changed since (a flipped byte written by anything but us, a copy replaced by an
// import) no longer matches, and the input is read again instead of trusting the copy by
// its size; a rebuild then writes the blob anew.
struct BlobStamp {
  std::uint64_t ino = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const BlobStamp& o) const { return ino == o.ino && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns; }
};
// The stamp of `path` if it is a regular file of exactly `size` bytes.
std::optional<BlobStamp> blob_stamp(const stdfs::path& path, std::uint64_t size);

struct CachedFile {
  std::string digest;  // sha256:...
  BlobStamp blob;
};

struct LayerDigests {
  std::string digest, diff_id;  // sha256:...
  std::uint64_t size = 0;
  BlobStamp blob;
};

class DigestCache {
 public:
  explicit DigestCache(stdfs::path file);
  void load();
  // Merges what this process learned into the file (under a lock), written atomically.
  void save();

  std::optional<CachedFile> file(const FileKey& key) const;
  // `started_ns` is when hashing began: a file modified that recently may change again
  // within the same timestamp tick, so its digest is not remembered (git's "racy" files).
  void remember_file(const FileKey& key, const CachedFile& cached, std::int64_t started_ns);
  std::optional<LayerDigests> layer(const std::string& key) const;
  void remember_layer(const std::string& key, const LayerDigests& d);

 private:
  stdfs::path m_file;
  mutable std::mutex m_mutex;
  std::map<FileKey, CachedFile> m_files, m_new_files;
  std::map<std::string, LayerDigests> m_layers, m_new_layers;
};

std::int64_t now_ns();

}  // namespace mlops::package
