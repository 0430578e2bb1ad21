// SPDX-License-Identifier: MIT
#include "package/digest_cache.hpp"

#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <sstream>

namespace mlops::package {
namespace {

constexpr const char* k_header = "mlops-digest-cache 2\n";
// The name of version 1 (no blob stamps), removed when version 2 is saved.
constexpr const char* k_old_file = "digests-v1";
// A file touched less than this before hashing started is "racy": not remembered.
constexpr std::int64_t k_racy_ns = 100'000'000;
// Entries kept; the oldest beyond this are dropped when saving.
constexpr std::size_t k_max_entries = 200'000;

}  // namespace

std::string FileKey::str() const {
  return std::to_string(dev) + " " + std::to_string(ino) + " " + std::to_string(size) + " " + std::to_string(mtime_ns) + " " +
         std::to_string(ctime_ns);
}

FileKey file_key(const struct stat& st) {
  FileKey k;
  k.dev = st.st_dev;
  k.ino = st.st_ino;
  k.size = static_cast<std::uint64_t>(st.st_size);
  k.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  k.ctime_ns = static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return k;
}

std::optional<BlobStamp> blob_stamp(const stdfs::path& path, std::uint64_t size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) != size) return std::nullopt;
  const FileKey k = file_key(st);
  return BlobStamp{k.ino, k.mtime_ns, k.ctime_ns};
}

namespace {

std::string stamp_str(const BlobStamp& b) {
  return std::to_string(b.ino) + " " + std::to_string(b.mtime_ns) + " " + std::to_string(b.ctime_ns);
}

}  // namespace

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

DigestCache::DigestCache(stdfs::path file) : m_file(std::move(file)) {}

namespace {

// Parses the cache text into the maps; a malformed line ends the parse (what came before
// stays valid: each line is independent).
void parse(const std::string& text, std::map<FileKey, CachedFile>& files, std::map<std::string, LayerDigests>& layers) {
  if (text.rfind(k_header, 0) != 0) return;
  std::istringstream in(text.substr(std::char_traits<char>::length(k_header)));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::string type;
    l >> type;
    if (type == "f") {
      FileKey k;
      std::string digest;
      BlobStamp b;
      if (!(l >> k.dev >> k.ino >> k.size >> k.mtime_ns >> k.ctime_ns >> digest >> b.ino >> b.mtime_ns >> b.ctime_ns) ||
          digest.size() != 64)
        return;
      files[k] = CachedFile{"sha256:" + digest, b};
    } else if (type == "t") {
      std::string key, digest, diff;
      LayerDigests d;
      if (!(l >> key >> digest >> diff >> d.size >> d.blob.ino >> d.blob.mtime_ns >> d.blob.ctime_ns) || digest.size() != 64 ||
          diff.size() != 64)
        return;
      d.digest = "sha256:" + digest;
      d.diff_id = "sha256:" + diff;
      layers[key] = d;
    } else {
      return;
    }
  }
}

std::string read_or_empty(const stdfs::path& p) {
  try {
    return fs::read_file(p);
  } catch (const Error&) {
    return {};
  }
}

}  // namespace

void DigestCache::load() {
  std::lock_guard lock(m_mutex);
  parse(read_or_empty(m_file), m_files, m_layers);
}

void DigestCache::save() {
  std::lock_guard lock(m_mutex);
  if (m_new_files.empty() && m_new_layers.empty()) return;
  FileLock file_lock(m_file.parent_path() / "digests.lock", true);
  std::map<FileKey, CachedFile> files;
  std::map<std::string, LayerDigests> layers;
  parse(read_or_empty(m_file), files, layers);  // what other builds saved meanwhile
  for (const auto& [k, v] : m_new_files) files[k] = v;
  for (const auto& [k, v] : m_new_layers) layers[k] = v;
  // Crude bound: beyond the cap, keep the newest entries of this build and drop the rest.
  if (files.size() + layers.size() > k_max_entries) {
    files = m_new_files;
    layers = m_new_layers;
  }
  std::string out = k_header;
  out.reserve(files.size() * 140);
  for (const auto& [k, v] : files) out += "f " + k.str() + " " + v.digest.substr(7) + " " + stamp_str(v.blob) + "\n";
  for (const auto& [k, v] : layers) {
    out += "t " + k + " " + v.digest.substr(7) + " " + v.diff_id.substr(7) + " " + std::to_string(v.size) + " " + stamp_str(v.blob) + "\n";
  }
  fs::write_file_atomic(m_file, out, stdfs::perms(0644), /*durable=*/false);
  ::unlink((m_file.parent_path() / k_old_file).c_str());
  m_new_files.clear();
  m_new_layers.clear();
}

std::optional<CachedFile> DigestCache::file(const FileKey& key) const {
  std::lock_guard lock(m_mutex);
  if (const auto it = m_files.find(key); it != m_files.end()) return it->second;
  return std::nullopt;
}

void DigestCache::remember_file(const FileKey& key, const CachedFile& cached, std::int64_t started_ns) {
  if (started_ns - key.mtime_ns < k_racy_ns || started_ns - key.ctime_ns < k_racy_ns) return;
  std::lock_guard lock(m_mutex);
  m_files[key] = cached;
  m_new_files[key] = cached;
}

std::optional<LayerDigests> DigestCache::layer(const std::string& key) const {
  std::lock_guard lock(m_mutex);
  if (const auto it = m_layers.find(key); it != m_layers.end()) return it->second;
  return std::nullopt;
}

void DigestCache::remember_layer(const std::string& key, const LayerDigests& d) {
  std::lock_guard lock(m_mutex);
  m_layers[key] = d;
  m_new_layers[key] = d;
}

}  // namespace mlops::package
