// SPDX-License-Identifier: MIT
// The pipeline's two stat caches (`<state>/dirs` and `<state>/digests`) as files of
// fixed-size records sorted by key: loaded with one read and searched in place (a binary
// search), so a status that looks up 100 directories, or one file among 50,000, parses
// nothing. Host byte order: local derived data, never shared between machines. A file
// whose header, size, order or checksum is not right (an older version, a torn or damaged
// copy) is ignored: the cache starts empty and the next save writes it whole again.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::pipeline {

namespace stdfs = std::filesystem;

// 64 lowercase hex digits <-> 32 bytes.
bool hex_to_raw(std::string_view hex, unsigned char out[32]);
std::string raw_to_hex(const unsigned char raw[32]);

// A directory's digest by the sha256 of its listing, or a single file's by the sha256 of
// its stat key (hashing.hpp says which).
struct DirRecord {
  unsigned char key[32];
  unsigned char digest[32];
  std::uint64_t size, nfiles, dir;  // dir: 1 for a directory
  static constexpr std::size_t key_size = 32;
  static constexpr const char* magic = "mlops-pl-dirs 3\n";  // 16 bytes
};

// A file's sha256 by its stat key (device, inode, size, mtime and ctime in ns).
struct FileRecord {
  std::uint64_t dev, ino, size;
  std::int64_t mtime_ns, ctime_ns;
  unsigned char digest[32];
  static constexpr std::size_t key_size = 40;
  static constexpr const char* magic = "mlops-pl-stat 3\n";  // 16 bytes
};
static_assert(sizeof(DirRecord) == 88 && sizeof(FileRecord) == 72, "records are written as they are in memory");

// Records of type R in `file`; the key is R's first key_size bytes, compared with memcmp.
// Thread-safe: lookups of the loaded records take no lock.
template <class R>
class RecordFile {
 public:
  RecordFile(stdfs::path file, std::size_t max_records) : m_file(std::move(file)), m_max(max_records) {}
  // Loads the file once (later calls return at once); an unusable file is an empty cache.
  void load();
  std::optional<R> find(const R& key_of);
  void add(const R& r);
  // Merges what this process added with what the file holds now (under `<file>.lock`),
  // written atomically; beyond max_records, only what this process used or added is kept.
  // Nothing is written when nothing was added.
  void save();
  std::size_t loaded() const { return m_count; }

  // The whole file for `records` (sorted, unique keys): exposed for tests.
  static std::string serialize(const std::vector<R>& records);
  // The records of a file's text; nullopt when it is not a whole, current one.
  static std::optional<std::vector<R>> parse(std::string_view text);

 private:
  stdfs::path m_file;
  std::size_t m_max;
  std::once_flag m_once;
  std::vector<R> m_records;  // sorted; immutable once loaded
  std::size_t m_count = 0;
  std::unique_ptr<std::atomic<bool>[]> m_used;
  mutable std::mutex m_mutex;
  std::map<std::string, R> m_new;  // key bytes -> record
};

extern template class RecordFile<DirRecord>;
extern template class RecordFile<FileRecord>;

FileRecord file_record(const struct stat& st);

}  // namespace mlops::pipeline
