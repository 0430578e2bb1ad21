// SPDX-License-Identifier: MIT
#include "pipeline/hashing.hpp"

#include "core/log.hpp"
#include "core/sha256.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <nlohmann/json.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

namespace mlops::pipeline {
namespace {

// As git's racy rule: a file touched this shortly before hashing started may change again
// within its timestamp's tick, so nothing derived from it is remembered.
constexpr std::int64_t k_racy_ns = 100'000'000;
// Records kept in `digests` and `dirs`; beyond, what one run used.
constexpr std::size_t k_max_files = 200'000, k_max_dirs = 100'000;

struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

struct DirGuard {
  DIR* d = nullptr;
  DirGuard() = default;
  DirGuard(const DirGuard&) = delete;
  DirGuard& operator=(const DirGuard&) = delete;
  ~DirGuard() {
    if (d) ::closedir(d);
  }
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool racy(std::int64_t started, const FileRecord& k) { return started - k.mtime_ns < k_racy_ns || started - k.ctime_ns < k_racy_ns; }

bool same_key(const FileRecord& a, const FileRecord& b) { return std::memcmp(&a, &b, FileRecord::key_size) == 0; }

// The listing's key: raw bytes, no number formatting (this runs for every file of every
// directory a status looks at).
void append_listing(std::string& out, const std::string& rel, const struct stat& st) {
  out += rel;
  out += '\0';
  const FileRecord k = file_record(st);
  const std::uint32_t mode = st.st_mode;
  out.append(reinterpret_cast<const char*>(&mode), sizeof mode);
  out.append(reinterpret_cast<const char*>(&k), FileRecord::key_size);
}

DirRecord dir_key(std::string_view listing) {
  DirRecord r{};
  hex_to_raw(sha256_hex(listing), r.key);
  return r;
}

}  // namespace

Hasher::Hasher(const stdfs::path& cache_file) : m_files(cache_file, k_max_files), m_dirs(cache_file.parent_path() / "dirs", k_max_dirs) {}

void Hasher::save() {
  m_files.save();
  m_dirs.save();
}

std::string Hasher::file_digest(const stdfs::path& path, const struct stat& st, package::Store* store) {
  const FileRecord key = file_record(st);
  if (const auto c = m_files.find(key)) {
    std::string hex = raw_to_hex(c->digest);
    if (!store || store->has_blob("sha256:" + hex, key.size)) return hex;
  }
  const std::int64_t started = now_ns();
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
  if (::fstat(fd.fd, &after) == 0 && same_key(file_record(after), key) && !racy(started, key)) {
    FileRecord r = key;
    hex_to_raw(hex, r.digest);
    m_files.add(r);
  }
  return hex;
}

std::vector<Hasher::Entry> Hasher::list(const stdfs::path& dir) {
  // Directories still to read, each by its name in its parent (whose handle it keeps open):
  // no path is resolved again from the root, and at most the directories with unread
  // children hold an fd.
  struct Todo {
    std::shared_ptr<DirGuard> parent;
    std::string name, rel;
  };
  const auto cannot = [&](const std::string& rel) { throw_errno("cannot list " + (rel.empty() ? dir : dir / rel).string()); };
  std::vector<Entry> r;
  std::vector<Todo> todo;
  todo.push_back(Todo{nullptr, dir.string(), ""});
  while (!todo.empty()) {
    Todo t = std::move(todo.back());
    todo.pop_back();
    // The listed directory itself may be a symlink (hash() stats through it); none below it
    // is followed.
    const int fd = t.parent ? ::openat(::dirfd(t.parent->d), t.name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                            : ::open(t.name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      if (t.parent && (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)) continue;  // replaced meanwhile
      cannot(t.rel);
    }
    const auto self = std::make_shared<DirGuard>();
    self->d = ::fdopendir(fd);
    if (!self->d) {
      ::close(fd);
      cannot(t.rel);
    }
    const std::string prefix = t.rel.empty() ? std::string() : t.rel + "/";
    for (;;) {
      errno = 0;
      const dirent* e = ::readdir(self->d);
      if (!e) {
        if (errno != 0) cannot(t.rel);
        break;
      }
      const char* n = e->d_name;
      if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'))) continue;
      if (e->d_type == DT_DIR) {
        todo.push_back(Todo{self, n, prefix + n});
        continue;
      }
      if (e->d_type != DT_REG && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN) continue;  // sockets, FIFOs: no content
      struct stat st {};
      if (::fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;  // removed meanwhile
        cannot(prefix + n);
      }
      if (S_ISDIR(st.st_mode)) todo.push_back(Todo{self, n, prefix + n});
      else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) r.push_back(Entry{prefix + n, st});
    }
  }
  std::sort(r.begin(), r.end(), [](const Entry& a, const Entry& b) { return a.rel < b.rel; });
  return r;
}

std::string Hasher::manifest(const stdfs::path& dir, const std::vector<Entry>& entries_in, package::Store* store, std::uint64_t& size,
                             std::uint64_t& nfiles) {
  nlohmann::json entries = nlohmann::json::array();
  size = 0;
  nfiles = 0;
  std::error_code ec;
  for (const Entry& f : entries_in) {
    nlohmann::json e = {{"path", f.rel}};
    const stdfs::path full = dir / f.rel;
    if (S_ISLNK(f.st.st_mode)) {
      e["symlink"] = stdfs::read_symlink(full, ec).string();
    } else {
      e["sha256"] = file_digest(full, f.st, store);
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
  return manifest(dir, list(dir), store, size, nfiles);
}

std::optional<Digest> Hasher::digest(const stdfs::path& path, package::Store* store) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw_errno("cannot stat " + path.string());
  }
  Digest d;
  if (S_ISDIR(st.st_mode)) {
    const std::int64_t started = now_ns();
    const std::vector<Entry> entries = list(path);
    // The directory's stat data, in manifest order: when it is what it was, so is the
    // manifest (every file's digest is a function of its stat key, as the stat cache has it).
    std::string listing;
    listing.reserve(entries.size() * 80);
    bool is_racy = false;
    for (const Entry& e : entries) {
      append_listing(listing, e.rel, e.st);
      is_racy = is_racy || racy(started, file_record(e.st));
    }
    DirRecord rec = dir_key(listing);
    if (!store)
      if (const auto hit = m_dirs.find(rec); hit && hit->dir) return Digest{raw_to_hex(hit->digest), hit->size, hit->nfiles, true};
    const std::string m = manifest(path, entries, store, d.size, d.nfiles);
    d.dir = true;
    d.sha256 = store ? store->put_blob(m).substr(7) : sha256_hex(m);
    if (!is_racy) {
      hex_to_raw(d.sha256, rec.digest);
      rec.size = d.size, rec.nfiles = d.nfiles, rec.dir = 1;
      m_dirs.add(rec);
    }
    return d;
  }
  if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::invalid_input, path.string() + " is neither a file nor a directory");
  d.size = static_cast<std::uint64_t>(st.st_size);
  // A single file (an output, a script) by its stat key in the same small cache: a no-op
  // status then never loads the per-file stat cache of every file in every directory.
  const FileRecord k = file_record(st);
  std::string line("file", 5);  // with its '\0': no listing of a directory starts so
  line.append(reinterpret_cast<const char*>(&k), FileRecord::key_size);
  DirRecord rec = dir_key(line);
  if (!store)
    if (const auto hit = m_dirs.find(rec); hit && !hit->dir && hit->size == d.size)
      return Digest{raw_to_hex(hit->digest), d.size, 0, false};
  const std::int64_t started = now_ns();
  d.sha256 = file_digest(path, st, store);
  if (!racy(started, k)) {
    hex_to_raw(d.sha256, rec.digest);
    rec.size = d.size, rec.nfiles = 0, rec.dir = 0;
    m_dirs.add(rec);
  }
  return d;
}

std::optional<Digest> Hasher::hash(const stdfs::path& path) { return digest(path, nullptr); }
std::optional<Digest> Hasher::store(const stdfs::path& path, package::Store& store) { return digest(path, &store); }

}  // namespace mlops::pipeline
