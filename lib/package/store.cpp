// SPDX-License-Identifier: MIT
#include "package/store.hpp"

#include "core/fd.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <random>
#include <string_view>
#include <vector>

namespace mlops::package {

FileLock::FileLock(const stdfs::path& file, bool exclusive) {
  m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m_fd < 0) throw_errno("cannot open lock " + file.string());
  while (::flock(m_fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno != EINTR) {
      ::close(m_fd);
      m_fd = -1;
      throw_errno("cannot lock " + file.string());
    }
  }
}

std::optional<FileLock> FileLock::shared_for_reading(const stdfs::path& file) {
  FileLock lock;
  lock.m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock.m_fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM || errno == ENOENT)) {
    lock.m_fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (lock.m_fd < 0 && errno == ENOENT) return std::nullopt;
  }
  if (lock.m_fd < 0) throw_errno("cannot open lock " + file.string());
  while (::flock(lock.m_fd, LOCK_SH) != 0) {
    if (errno != EINTR) throw_errno("cannot lock " + file.string());
  }
  return lock;
}

std::optional<FileLock> FileLock::try_exclusive(const stdfs::path& file) {
  FileLock lock;
  lock.m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock.m_fd < 0) throw_errno("cannot open lock " + file.string());
  while (::flock(lock.m_fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return std::nullopt;
    if (errno != EINTR) throw_errno("cannot lock " + file.string());
  }
  return lock;
}

void FileLock::downgrade() {
  // Not atomic (flock(2) drops the exclusive lock first): someone waiting for it exclusively
  // (gc) may come in between, which only means we wait for it.
  while (::flock(m_fd, LOCK_SH) != 0) {
    if (errno != EINTR) throw_errno("cannot lock the store");
  }
}

FileLock::~FileLock() {
  if (m_fd >= 0) ::close(m_fd);  // closing releases the lock
}

namespace {

// Dirty pages are pushed to disk every this many bytes while a blob is written, so the
// fsync at commit has little left to do and a big blob never fills the page cache.
constexpr std::uint64_t k_flush_every = 32u << 20;
constexpr std::size_t k_write_buffer = 1u << 20;

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string s;
  for (int i = 0; i < 12; ++i) s += digits[rng() % 36];
  return s;
}

}  // namespace

BlobWriter::BlobWriter(Store& store) : m_store(store) {
  // Created as new-*, locked, then renamed to blob-*: a blob-* file is always locked by its
  // writer while the writer lives, so anyone may remove one whose lock is free (its writer
  // died: kill -9, power loss) without racing a writer that has not locked it yet.
  const std::string suffix = random_suffix();
  const stdfs::path fresh = store.ingest_dir() / ("new-" + suffix);
  m_fd = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (m_fd < 0) throw_errno("cannot create " + fresh.string());
  m_temp = fresh;
  if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) throw_errno("cannot lock " + fresh.string());
  const stdfs::path named = store.ingest_dir() / ("blob-" + suffix);
  if (::rename(fresh.c_str(), named.c_str()) != 0) throw_errno("cannot rename " + fresh.string());
  m_temp = named;
}

BlobWriter::BlobWriter(Store& store, std::string_view resume_digest) : m_store(store), m_keep(true) {
  if (!is_digest(resume_digest)) throw Error(ErrorKind::invalid_input, "invalid digest '" + escape_controls(resume_digest) + "'");
  m_temp = store.partial_path(resume_digest);
  // Locked, then checked to be still the file at that name: the writer we waited for may
  // have committed it (renamed it into blobs/) or discarded it meanwhile.
  for (;;) {
    Fd fd(::open(m_temp.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
    if (!fd) throw_errno("cannot open " + m_temp.string());
    while (::flock(fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) throw_errno("cannot lock " + m_temp.string());
    }
    struct stat held {
    }, named{};
    if (::fstat(fd.get(), &held) != 0) throw_errno("cannot read " + m_temp.string());
    if (::stat(m_temp.c_str(), &named) == 0 && named.st_ino == held.st_ino && named.st_dev == held.st_dev) {
      m_fd = fd.release();
      break;
    }
  }
  std::vector<char> buf(1u << 20);
  for (;;) {
    const ssize_t n = ::read(m_fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read " + m_temp.string());
    }
    if (n == 0) break;
    m_hash.update(buf.data(), static_cast<std::size_t>(n));
    m_size += static_cast<std::uint64_t>(n);
  }
  m_resumed = m_flushed = m_written = m_size;
}

void BlobWriter::restart() {
  if (::ftruncate(m_fd, 0) != 0 || ::lseek(m_fd, 0, SEEK_SET) != 0) throw_errno("cannot truncate " + m_temp.string());
  m_hash.reset();
  m_pending.clear();
  m_size = m_flushed = m_written = 0;
}

void BlobWriter::discard() { m_keep = false; }

BlobWriter::~BlobWriter() {
  // Unlinked before the lock goes (with the close): a writer waiting for it then sees that
  // the name is gone and opens a new file.
  if (!m_committed && !m_keep) ::unlink(m_temp.c_str());
  if (!m_committed && m_keep && m_fd >= 0) {
    // What was received stays for the next pull to continue from; a short write only
    // means it continues from earlier (the partial blob is hashed again when reopened).
    std::size_t done = 0;
    while (done < m_pending.size()) {
      const ssize_t n = ::write(m_fd, m_pending.data() + done, m_pending.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
  }
  if (m_fd >= 0) ::close(m_fd);
}

bool durable_blobs() {
  static const bool durable = [] {
    const char* v = std::getenv("MLOPS_FSYNC");
    return v != nullptr && (std::string_view(v) == "1" || std::string_view(v) == "always");
  }();
  return durable;
}

void BlobWriter::write(const void* data, std::size_t size) {
  m_hash.update(data, size);
  m_size += size;
  // Downloads arrive in libcurl's 16 KiB pieces: gathered here, a 1 GiB pull makes 1,000
  // write calls instead of 65,000. Large writes (package build's) go straight through.
  if (m_pending.size() + size < k_write_buffer) {
    if (m_pending.capacity() < k_write_buffer) m_pending.reserve(k_write_buffer);
    m_pending.insert(m_pending.end(), static_cast<const char*>(data), static_cast<const char*>(data) + size);
    return;
  }
  write_pending();
  write_through(data, size);
}

void BlobWriter::write_pending() {
  if (m_pending.empty()) return;
  write_through(m_pending.data(), m_pending.size());
  m_pending.clear();
}

void BlobWriter::write_through(const void* data, std::size_t size) {
  write_all(m_fd, data, size, m_temp.string());
  m_written += size;
  if (m_written - m_flushed >= k_flush_every) {
    // Start writeback of this stretch now rather than in 30 s; when blobs are durable, also
    // wait for the stretch before it, which keeps the fsync at commit short.
    ::sync_file_range(m_fd, static_cast<off_t>(m_flushed), static_cast<off_t>(m_written - m_flushed), SYNC_FILE_RANGE_WRITE);
    if (durable_blobs() && m_flushed >= k_flush_every) {
      ::sync_file_range(m_fd, static_cast<off_t>(m_flushed - k_flush_every), static_cast<off_t>(k_flush_every),
                        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    }
    m_flushed = m_written;
  }
}

std::string BlobWriter::commit(std::string_view expected) {
  write_pending();
  const std::string digest = "sha256:" + m_hash.hex();
  if (!expected.empty() && expected != digest) {
    m_keep = false;  // a partial download that hashes to something else is no use to resume
    throw Error(ErrorKind::invalid_input, "blob " + std::string(expected) + " does not match its content (" + digest + ")");
  }
  const stdfs::path target = m_store.blob_path(digest);
  // A copy already there is replaced all the same: these bytes were just hashed, the copy's
  // were not (a size that agrees says nothing about a flipped byte).
  struct stat st {};
  m_existed = ::stat(target.c_str(), &st) == 0;
  if (durable_blobs() && ::fdatasync(m_fd) != 0) throw_errno("cannot write " + m_temp.string());
  // Renamed while the lock is held: closing first would let a cleaner take the free lock
  // and remove the file as a dead writer's.
  if (::rename(m_temp.c_str(), target.c_str()) != 0) throw_errno("cannot store blob " + digest);
  m_committed = true;
  const int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) {
    const int saved = errno;
    ::unlink(target.c_str());  // the data may not have been written (NFS reports it here)
    errno = saved;
    throw_errno("cannot write " + m_temp.string());
  }
  if (durable_blobs()) fs::fsync_dir(target.parent_path());
  return digest;
}

Store::Store(stdfs::path root, StoreAccess access) : m_root(std::move(root)) {
  std::error_code ec;
  const stdfs::path layout = m_root / "oci-layout";
  if (access == StoreAccess::read) {
    if (!stdfs::exists(m_root, ec)) {
      m_exists = false;
      return;
    }
    if (!stdfs::is_directory(m_root, ec)) {
      throw Error(ErrorKind::invalid_input, m_root.string() + " is not a directory", "set MLOPS_HOME to a directory for the package store");
    }
    if (!stdfs::exists(layout, ec)) {
      throw Error(ErrorKind::invalid_input, m_root.string() + " is not an OCI image layout: it has no oci-layout file");
    }
  }
  if (!stdfs::exists(layout, ec)) {
    if (stdfs::exists(m_root, ec) && !stdfs::is_directory(m_root, ec)) {
      throw Error(ErrorKind::invalid_input, m_root.string() + " is not a directory", "set MLOPS_HOME to a directory for the package store");
    }
    stdfs::create_directories(m_root / "blobs" / "sha256", ec);
    if (ec) throw Error(ErrorKind::io, "cannot create the package store " + m_root.string() + ": " + ec.message());
    if (!stdfs::exists(m_root / "index.json", ec)) {
      fs::write_file_atomic(m_root / "index.json",
                            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})");
    }
    fs::write_file_atomic(layout, R"({"imageLayoutVersion":"1.0.0"})");
  } else {
    std::string text;
    try {
      text = fs::read_file(layout);
    } catch (const Error&) {
      throw;
    }
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("imageLayoutVersion")) {
      throw Error(ErrorKind::invalid_input, layout.string() + " is not an OCI layout header");
    }
  }
  if (access == StoreAccess::read) return;
  for (const auto& dir : {m_root / "blobs" / "sha256", state_dir(), ingest_dir()}) {
    stdfs::create_directories(dir, ec);
    if (ec) throw Error(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());
  }
}

stdfs::path Store::blob_path(std::string_view digest) const {
  if (!is_digest(digest)) throw Error(ErrorKind::invalid_input, "invalid digest '" + std::string(digest) + "'");
  return m_root / "blobs" / "sha256" / std::string(digest_hex(digest));
}

bool Store::has_blob(std::string_view digest) const {
  struct stat st {};
  return ::stat(blob_path(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool Store::has_blob(std::string_view digest, std::uint64_t size) const {
  struct stat st {};
  return ::stat(blob_path(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) == size;
}

std::string Store::put_blob(std::string_view data) {
  const std::string digest = "sha256:" + sha256_hex(data);
  // Small blobs (manifests, configs, cards): the copy there is compared, not trusted.
  if (has_blob(digest, data.size())) {
    try {
      if (fs::read_file(blob_path(digest)) == data) return digest;
    } catch (const Error&) {
      // unreadable: written again below
    }
  }
  BlobWriter w(*this);
  w.write(data.data(), data.size());
  return w.commit(digest);
}

std::string Store::read_blob(std::string_view digest, std::uint64_t max_size) const {
  const stdfs::path p = blob_path(digest);
  std::error_code ec;
  const auto size = stdfs::file_size(p, ec);
  if (ec) throw Error(ErrorKind::not_found, "blob " + std::string(digest) + " is not in the store " + m_root.string());
  if (size > max_size)
    throw Error(ErrorKind::invalid_input,
                "blob " + std::string(digest) + " is too large to be a manifest (" + std::to_string(size) + " bytes)");
  std::string data = fs::read_file(p);
  if ("sha256:" + sha256_hex(data) != digest) {
    throw Error(ErrorKind::invalid_input, "blob " + std::string(digest) + " is corrupt: its content has another digest",
                "'mlops package verify REF --repair' moves corrupt blobs aside; then rebuild or re-import the package");
  }
  return data;
}

FileLock Store::writer_lock() {
  // Alone in the store (no build, import or gc holds the lock): every file in ingest/ is
  // left by a writer that died, whatever its age.
  if (auto alone = FileLock::try_exclusive(state_dir() / "gc.lock")) {
    clean_ingest(true, false);
    alone->downgrade();
    return std::move(*alone);
  }
  FileLock shared = gc_lock(false);
  clean_ingest(false, false);
  return shared;
}

IngestCleanup Store::clean_ingest(bool alone, bool partial_downloads) const {
  IngestCleanup r;
  std::error_code ec;
  for (stdfs::directory_iterator it(ingest_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!partial_downloads && name.rfind("partial-", 0) == 0) continue;  // kept to be resumed
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if (!alone) {
      // Only files renamed to blob-* are locked by a living writer (see BlobWriter).
      if (name.rfind("blob-", 0) != 0 || !S_ISREG(st.st_mode)) continue;
      Fd fd(::open(it->path().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      if (!fd || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // its writer is alive
      if (::unlink(it->path().c_str()) == 0) {
        ++r.files;
        r.bytes += static_cast<std::uint64_t>(st.st_size);
      }
      continue;
    }
    std::error_code rm_ec;
    const auto n = stdfs::remove_all(it->path(), rm_ec);
    if (!rm_ec && n > 0) {
      ++r.files;
      r.bytes += S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
    }
  }
  return r;
}

bool Store::move_aside(std::string_view digest) const {
  const stdfs::path from = blob_path(digest);
  const stdfs::path dir = corrupt_dir();
  std::error_code ec;
  stdfs::create_directories(dir, ec);
  if (ec) throw Error(ErrorKind::io, "cannot create " + dir.string() + ": " + ec.message());
  if (::rename(from.c_str(), (dir / from.filename()).c_str()) != 0) {
    if (errno == ENOENT) return false;
    throw_errno("cannot move " + from.string() + " aside");
  }
  fs::fsync_dir(from.parent_path());
  return true;
}

std::vector<IndexEntry> Store::index() const {
  if (!m_exists) return {};
  const stdfs::path p = m_root / "index.json";
  return parse_index_json(fs::read_file(p), p.string());
}

void Store::update_index(const std::function<void(std::vector<IndexEntry>&)>& change) {
  FileLock lock(state_dir() / "index.lock", true);
  std::vector<IndexEntry> entries = index();
  change(entries);
  fs::write_file_atomic(m_root / "index.json", index_json_text(entries));
}

std::vector<IndexEntry> parse_index_json(std::string_view text, const std::string& where) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) throw Error(ErrorKind::invalid_input, where + " is not valid JSON");
  std::vector<IndexEntry> out;
  const auto m = j.find("manifests");
  if (m == j.end() || m->is_null()) return out;
  if (!m->is_array()) throw Error(ErrorKind::invalid_input, where + ": 'manifests' is not an array");
  for (const auto& item : *m) {
    IndexEntry e;
    e.descriptor = parse_descriptor(item, where);
    if (const auto r = e.descriptor.annotations.find(annotation::ref_name); r != e.descriptor.annotations.end()) e.ref = *r;
    out.push_back(std::move(e));
  }
  return out;
}

std::string index_json_text(const std::vector<IndexEntry>& entries) {
  nlohmann::json manifests = nlohmann::json::array();
  for (const auto& e : entries) manifests.push_back(to_json(e.descriptor));
  const nlohmann::json doc{{"schemaVersion", 2}, {"mediaType", media::index}, {"manifests", manifests}};
  return doc.dump(2) + "\n";
}

void set_index_entry(std::vector<IndexEntry>& entries, const IndexEntry& entry) {
  if (!entry.ref.empty()) {
    std::erase_if(entries, [&](const IndexEntry& e) { return e.ref == entry.ref; });
  } else {
    for (const auto& e : entries) {
      if (e.descriptor.digest == entry.descriptor.digest && e.ref.empty()) return;
    }
  }
  IndexEntry copy = entry;
  if (!entry.ref.empty()) copy.descriptor.annotations[annotation::ref_name] = entry.ref;
  entries.push_back(std::move(copy));
}

namespace {

bool is_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

IndexEntry Store::resolve(std::string_view ref) const {
  const auto entries = index();
  if (ref.empty()) throw Error(ErrorKind::usage, "empty package reference");
  std::string_view hex = ref;
  const bool digest_form = ref.substr(0, 7) == "sha256:";
  if (digest_form) hex = ref.substr(7);
  if (!digest_form) {
    // A tag first: NAME:TAG or NAME meaning NAME:latest.
    const Reference r = [&] {
      try {
        return parse_reference(ref);
      } catch (const Error&) {
        return Reference{};
      }
    }();
    if (!r.name.empty()) {
      for (const auto& e : entries) {
        if (e.ref == r.str()) return e;
      }
    }
  }
  if (is_hex(hex) && (hex.size() >= 6 || digest_form)) {
    std::vector<const IndexEntry*> hits;
    for (const auto& e : entries) {
      if (e.descriptor.annotations.contains(annotation::subject)) continue;  // signatures are not packages
      if (digest_hex(e.descriptor.digest).substr(0, hex.size()) == hex) {
        if (std::none_of(hits.begin(), hits.end(), [&](const IndexEntry* h) { return h->descriptor.digest == e.descriptor.digest; })) {
          hits.push_back(&e);
        }
      }
    }
    if (hits.size() == 1) return *hits[0];
    if (hits.size() > 1) {
      std::string names;
      for (const auto* h : hits) names += (names.empty() ? "" : ", ") + h->descriptor.digest.substr(0, 19);
      throw Error(ErrorKind::usage, "'" + std::string(ref) + "' matches several packages: " + names, "give more digits");
    }
  }
  std::string known;
  std::size_t n = 0;
  for (const auto& e : entries) {
    if (e.ref.empty()) continue;
    if (n++ < 8) known += (known.empty() ? "" : ", ") + e.ref;
  }
  throw Error(ErrorKind::not_found, "no package '" + std::string(ref) + "' in " + m_root.string(),
              known.empty() ? "build one with 'mlops package build'" : "packages: " + known + (n > 8 ? ", ..." : ""));
}

std::vector<IndexEntry> Store::referrers(std::string_view digest) const {
  std::vector<IndexEntry> out;
  for (auto& e : index()) {
    const auto s = e.descriptor.annotations.find(annotation::subject);
    if (s != e.descriptor.annotations.end() && *s == digest) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace mlops::package
