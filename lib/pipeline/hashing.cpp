// SPDX-License-Identifier: MIT
#include "pipeline/hashing.hpp"

#include "core/log.hpp"
#include "core/sha256.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <vector>

namespace mlops::pipeline {
namespace {

// As the stat cache's rule: a file touched this shortly before hashing started may change
// again within its timestamp's tick, so nothing derived from it is remembered.
constexpr std::int64_t k_racy_ns = 100'000'000;

struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Hasher::Hasher(stdfs::path cache_file) : m_cache(cache_file), m_dirs(cache_file.parent_path() / "dirs") {}

void Hasher::save() {
  if (m_loaded) m_cache.save();
  m_dirs.save();
}

std::string Hasher::file_digest(const stdfs::path& path, const struct stat& st, package::Store* store) {
  // Loaded when first needed: a no-op status whose directories all hit the directory cache
  // does not parse an entry per file.
  std::call_once(m_load_once, [this] {
    m_cache.load();
    m_loaded = true;
  });
  const package::FileKey key = package::file_key(st);
  if (const auto c = m_cache.file(key)) {
    if (!store) return c->digest.substr(7);
    if (store->has_blob(c->digest, key.size)) return c->digest.substr(7);
  }
  const std::int64_t started = package::now_ns();
  log::debug("pipeline: hashing {}", path.string());
  ++m_read;
  FdGuard fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) throw_errno("cannot read " + path.string());
  struct stat now {};
  if (::fstat(fd.fd, &now) != 0 || !S_ISREG(now.st_mode)) throw Error(ErrorKind::io, path.string() + " changed while it was read");
  std::optional<package::BlobWriter> writer;
  if (store) writer.emplace(*store);
  Sha256 h;
  std::vector<char> buf(std::size_t{1} << 20);
  for (;;) {
    const ssize_t n = ::read(fd.fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read " + path.string());
    }
    if (n == 0) break;
    if (writer) writer->write(buf.data(), static_cast<std::size_t>(n));
    else h.update(buf.data(), static_cast<std::size_t>(n));
  }
  std::string hex = writer ? writer->commit().substr(7) : h.hex();
  struct stat after {};
  // Written to while we read: the digest describes no version of it; not remembered.
  if (::fstat(fd.fd, &after) == 0 && package::file_key(after) == key)
    m_cache.remember_file(key, package::CachedFile{"sha256:" + hex, {}}, started);
  return hex;
}

std::vector<Hasher::Entry> Hasher::list(const stdfs::path& dir) {
  std::vector<std::pair<std::string, stdfs::path>> files;
  std::error_code ec;
  stdfs::recursive_directory_iterator it(dir, stdfs::directory_options::none, ec), end;
  if (ec) throw Error(ErrorKind::io, "cannot list " + dir.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error(ErrorKind::io, "cannot list " + dir.string() + ": " + ec.message());
    // No stat here: the lstat below leaves directories out (a second stat per file was half
    // of a no-op status).
    files.emplace_back(it->path().lexically_relative(dir).generic_string(), it->path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Entry> r;
  r.reserve(files.size());
  for (auto& [rel, full] : files) {
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) continue;               // removed meanwhile
    if (!S_ISLNK(st.st_mode) && !S_ISREG(st.st_mode)) continue;  // directories; sockets, FIFOs: no content
    r.push_back(Entry{std::move(rel), std::move(full), st});
  }
  return r;
}

std::string Hasher::manifest(const std::vector<Entry>& entries_in, package::Store* store, std::uint64_t& size, std::uint64_t& nfiles) {
  nlohmann::json entries = nlohmann::json::array();
  size = 0;
  nfiles = 0;
  std::error_code ec;
  for (const Entry& f : entries_in) {
    nlohmann::json e = {{"path", f.rel}};
    if (S_ISLNK(f.st.st_mode)) {
      e["symlink"] = stdfs::read_symlink(f.full, ec).string();
    } else {
      e["sha256"] = file_digest(f.full, f.st, store);
      e["size"] = static_cast<std::uint64_t>(f.st.st_size);
      e["mode"] = (f.st.st_mode & S_IXUSR) ? "0755" : "0644";
      size += static_cast<std::uint64_t>(f.st.st_size);
    }
    ++nfiles;
    entries.push_back(std::move(e));
  }
  return nlohmann::json{{"mediaType", k_dir_media_type}, {"entries", std::move(entries)}}.dump();
}

std::string Hasher::manifest(const stdfs::path& dir, package::Store* store, std::uint64_t& size, std::uint64_t& nfiles) {
  return manifest(list(dir), store, size, nfiles);
}

std::optional<Digest> Hasher::digest(const stdfs::path& path, package::Store* store) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw_errno("cannot stat " + path.string());
  }
  Digest d;
  if (S_ISDIR(st.st_mode)) {
    const std::int64_t started = package::now_ns();
    const std::vector<Entry> entries = list(path);
    // The directory's stat data, in manifest order: when it is what it was, so is the
    // manifest (every file's digest is a function of its stat key, as the stat cache has it).
    Sha256 h;
    bool racy = false;
    for (const Entry& e : entries) {
      const std::string line = e.rel + '\0' + std::to_string(e.st.st_mode) + ' ' + package::file_key(e.st).str() + '\n';
      h.update(line.data(), line.size());
      const package::FileKey k = package::file_key(e.st);
      racy = racy || started - k.mtime_ns < k_racy_ns || started - k.ctime_ns < k_racy_ns;
    }
    const std::string listing = h.hex();
    if (!store) {
      if (auto hit = m_dirs.find(listing)) return hit;
    }
    const std::string m = manifest(entries, store, d.size, d.nfiles);
    d.dir = true;
    d.sha256 = store ? store->put_blob(m).substr(7) : sha256_hex(m);
    if (!racy) m_dirs.remember(listing, d);
    return d;
  }
  if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::invalid_input, path.string() + " is neither a file nor a directory");
  d.size = static_cast<std::uint64_t>(st.st_size);
  // A single file (an output, a script) by its stat key in the same small cache: a no-op
  // status then never loads the per-file stat cache of every file in every directory.
  const package::FileKey k = package::file_key(st);
  const std::string line = "file\0" + k.str();
  const std::string listing = sha256_hex(line);
  if (!store)
    if (auto hit = m_dirs.find(listing); hit && !hit->dir && hit->size == d.size) return hit;
  const std::int64_t started = package::now_ns();
  d.sha256 = file_digest(path, st, store);
  if (started - k.mtime_ns >= k_racy_ns && started - k.ctime_ns >= k_racy_ns) m_dirs.remember(listing, d);
  return d;
}

std::optional<Digest> Hasher::hash(const stdfs::path& path) { return digest(path, nullptr); }
std::optional<Digest> Hasher::store(const stdfs::path& path, package::Store& store) { return digest(path, &store); }

}  // namespace mlops::pipeline

namespace mlops::pipeline {
namespace {
constexpr const char* k_dirs_header = "mlops pipeline dirs v2\n";
constexpr std::size_t k_max_dirs = 100'000;
bool hex64(std::string_view s) { return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos; }
}  // namespace

void DirCache::load() {
  if (m_loaded) return;
  m_loaded = true;
  std::string text;
  try {
    text = fs::read_regular_file(m_file, k_max_dirs * 200);
  } catch (const std::exception&) {  // none yet, or unreadable: an empty cache
    return;
  }
  if (!text.starts_with(k_dirs_header)) return;
  std::istringstream in(text.substr(std::strlen(k_dirs_header)));
  std::string listing, manifest;
  std::uint64_t size = 0, nfiles = 0;
  char kind = 0;
  while (m_entries.size() < k_max_dirs && in >> kind >> listing >> manifest >> size >> nfiles) {
    if ((kind != 'd' && kind != 'f') || !hex64(listing) || !hex64(manifest)) continue;
    m_entries[listing] = Digest{manifest, size, nfiles, kind == 'd'};
  }
}

std::optional<Digest> DirCache::find(const std::string& listing) {
  const std::lock_guard g(m_mutex);
  load();
  const auto it = m_entries.find(listing);
  if (it == m_entries.end()) return std::nullopt;
  m_used.insert(listing);
  return it->second;
}

void DirCache::remember(const std::string& listing, const Digest& d) {
  const std::lock_guard g(m_mutex);
  load();
  m_entries[listing] = d;
  m_used.insert(listing);
  m_changed = true;
}

void DirCache::save() {
  const std::lock_guard g(m_mutex);
  if (!m_changed) return;
  // Past the cap, what this process used; older listings only cost a rebuild.
  std::string out = k_dirs_header;
  const bool all = m_entries.size() <= k_max_dirs;
  for (const auto& [listing, d] : m_entries) {
    if (!all && !m_used.contains(listing)) continue;
    out +=
        std::string(d.dir ? "d " : "f ") + listing + " " + d.sha256 + " " + std::to_string(d.size) + " " + std::to_string(d.nfiles) + "\n";
  }
  try {
    fs::write_file_atomic(m_file, out, stdfs::perms(0644), /*durable=*/false);
    m_changed = false;
  } catch (const std::exception& e) {
    log::debug("pipeline: directory cache not saved: {}", e.what());
  }
}

}  // namespace mlops::pipeline
