// SPDX-License-Identifier: MIT
// Export and import of OCI image layout tarballs (what `skopeo copy oci-archive:` and
// `docker save`-style tools exchange): oci-layout, index.json and blobs/sha256/<hex>.
//
// Export is deterministic (a fixed order, mtime 0, uid/gid 0, fixed modes), so the same
// package gives the same bytes, and atomic (a temp file beside FILE, fsync, rename). Import
// is described above its code below.
#include "package/oci_archive.hpp"

#include "package/archive_io.hpp"
#include "package/c_libs.hpp"
#include "package/closure.hpp"
#include "package/diff_ids.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/package.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>

namespace mlops::package {
namespace {

constexpr std::size_t k_buffer = 1u << 20;
constexpr std::uint64_t k_max_index = 16u << 20;
constexpr std::uint64_t k_max_json = k_max_json_blob;
constexpr int k_max_passes = 3;  // index.json, manifests, blobs
constexpr std::uint64_t k_max_layout = 64u << 10;
constexpr const char* k_layout_json = R"({"imageLayoutVersion":"1.0.0"})";

std::string short_digest(std::string_view digest) { return std::string(digest.substr(0, 19)); }

// ---- export ----

struct WriteTarget {
  int fd;
  std::string what;
  std::exception_ptr error;
};

la_ssize_t on_write(archive*, void* client, const void* buffer, size_t length) {
  auto* t = static_cast<WriteTarget*>(client);
  try {
    write_all(t->fd, buffer, length, t->what);
    return static_cast<la_ssize_t>(length);
  } catch (...) {
    t->error = std::current_exception();
    return -1;
  }
}

// A temp file beside the target, removed unless it was renamed over it. Created as
// .NAME.new-*, locked, then renamed to .NAME.tmp-*: one of those whose lock is free was left
// by an export that died (kill -9), and the next export to NAME removes it.
class TempFile {
 public:
  explicit TempFile(const stdfs::path& target) {
    const stdfs::path dir = target.has_parent_path() ? target.parent_path() : stdfs::path(".");
    const std::string stem = "." + target.filename().string();
    remove_stale(dir, stem + ".tmp-");
    std::string tmpl = (dir / (stem + ".new-XXXXXX")).string();
    m_fd = Fd(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!m_fd) throw_errno("cannot create a temporary file in " + dir.string());
    m_path = tmpl;
    if (::flock(m_fd.get(), LOCK_EX | LOCK_NB) != 0) throw_errno("cannot lock " + m_path.string());
    const stdfs::path named = dir / (stem + ".tmp-" + tmpl.substr(tmpl.size() - 6));
    if (::rename(m_path.c_str(), named.c_str()) != 0) throw_errno("cannot rename " + m_path.string());
    m_path = named;
  }
  ~TempFile() {
    if (!m_path.empty()) ::unlink(m_path.c_str());
    m_fd.reset();
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return m_fd.get(); }
  const stdfs::path& path() const { return m_path; }

  static void remove_stale(const stdfs::path& dir, const std::string& prefix) {
    std::error_code ec;
    for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.rfind(prefix, 0) != 0 || name.size() != prefix.size() + 6) continue;
      Fd fd(::open(it->path().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
      if (!fd || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // its export is alive
      ::unlink(it->path().c_str());
    }
  }
  void commit(const stdfs::path& target) {
    if (::fchmod(m_fd.get(), 0644) != 0) throw_errno("cannot chmod " + m_path.string());
    if (::fsync(m_fd.get()) != 0) throw_errno("cannot write " + m_path.string());
    // Renamed while locked, so no other export takes it for a dead one's.
    if (::rename(m_path.c_str(), target.c_str()) != 0) throw_errno("cannot write " + target.string());
    m_path.clear();
    m_fd.close(target.string());
    fs::fsync_dir(target.has_parent_path() ? target.parent_path() : stdfs::path("."));
  }

 private:
  Fd m_fd;
  stdfs::path m_path;
};

class TarWriter {
 public:
  TarWriter(int fd, const std::string& what) : m_target{fd, what, nullptr}, m_a(archive_write_new()), m_entry(archive_entry_new()) {
    if (!m_a || !m_entry) throw Error(ErrorKind::internal, "cannot create a tar writer");
    // pax only where ustar cannot say it (names over 100 bytes, blobs over 8 GiB).
    check(archive_write_set_format_pax_restricted(m_a.get()), "tar format");
    check(archive_write_open2(m_a.get(), &m_target, nullptr, &on_write, nullptr, nullptr), "tar open");
  }

  void directory(const std::string& name) { header(name, AE_IFDIR, 0755, 0); }
  void file(const std::string& name, std::string_view data) {
    header(name, AE_IFREG, 0644, data.size());
    write(data.data(), data.size(), name);
  }
  // Streams the blob, hashing it: a damaged store copy is not exported.
  void blob(const Store& store, const std::string& digest, std::vector<char>& buf, const Progress& progress) {
    progress.item(short_digest(digest));
    const std::string name = "blobs/sha256/" + std::string(digest_hex(digest));
    Fd in(::open(store.blob_path(digest).c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) {
      if (errno == ENOENT) throw Error(ErrorKind::not_found, "blob " + digest + " is not in the store " + store.root().string());
      throw_errno("cannot read blob " + digest);
    }
    struct stat st {};
    if (::fstat(in.get(), &st) != 0) throw_errno("cannot read blob " + digest);
    const auto size = static_cast<std::uint64_t>(st.st_size);
    header(name, AE_IFREG, 0644, size);
    Sha256 hash;
    std::uint64_t total = 0;
    for (;;) {
      check_interrupted();
      const std::size_t n = read_some(in.get(), buf.data(), buf.size(), "blob " + digest);
      if (n == 0) break;
      if (total + n > size) throw Error(ErrorKind::io, "blob " + digest + " grew while it was exported");
      hash.update(buf.data(), n);
      total += n;
      write(buf.data(), n, name);
      progress.advance(n);
    }
    if (total != size) throw Error(ErrorKind::io, "blob " + digest + " shrank while it was exported");
    if ("sha256:" + hash.hex() != digest) {
      throw Error(ErrorKind::invalid_input, "blob " + digest + " in the store is corrupt: its content has another digest",
                  "'mlops package verify REF --repair' moves it aside; then rebuild or re-import the package");
    }
  }
  void close() { check(archive_write_close(m_a.get()), "tar close"); }

 private:
  void check(int rc, const std::string& what) {
    if (m_target.error) std::rethrow_exception(m_target.error);
    if (rc != ARCHIVE_OK) throw Error(ErrorKind::io, m_target.what + ": " + what + ": " + archive_message(m_a.get()));
  }
  void header(const std::string& name, unsigned type, unsigned perm, std::uint64_t size) {
    archive_entry_clear(m_entry.get());
    archive_entry_set_pathname_utf8(m_entry.get(), name.c_str());
    archive_entry_set_filetype(m_entry.get(), type);
    archive_entry_set_perm(m_entry.get(), perm);
    archive_entry_set_size(m_entry.get(), static_cast<la_int64_t>(size));
    archive_entry_set_mtime(m_entry.get(), 0, 0);
    archive_entry_set_uid(m_entry.get(), 0);
    archive_entry_set_gid(m_entry.get(), 0);
    check(archive_write_header(m_a.get(), m_entry.get()), name);
  }
  void write(const void* data, std::size_t size, const std::string& name) {
    const la_ssize_t n = archive_write_data(m_a.get(), data, size);
    if (n < 0 || static_cast<std::size_t>(n) != size) check(ARCHIVE_FATAL, name);
  }

  WriteTarget m_target;
  ArchiveWritePtr m_a;
  ArchiveEntryPtr m_entry;
};

}  // namespace

void export_tar(const stdfs::path& store_root, const std::string& ref, const stdfs::path& file, ProgressObserver* observer) {
  const Progress progress(observer);
  const Store store(store_root, StoreAccess::read);
  // Shared: gc waits until every blob is in the tarball. A store we cannot write still
  // exports (a reader's lock is opened read-only, or there is none to take).
  const auto lock = store.gc_lock_for_reading();
  const IndexEntry package = store.resolve(ref);
  const Closure closure = package_closure(store, package);

  // Manifests first, then what they reference in their order: an importer reading the
  // stream once knows what each blob is for before it arrives (see import below).
  std::vector<std::string> blobs;
  std::set<std::string> listed;
  auto add = [&](const Descriptor& d) {
    if (listed.insert(d.digest).second) blobs.push_back(d.digest);
  };
  nlohmann::json index_manifests = nlohmann::json::array();
  for (const auto& m : closure.manifests) {
    add(m.descriptor);
    index_manifests.push_back(to_json(m.descriptor));  // its annotations: the tag, or the signature's subject
  }
  for (const auto& d : closure.blobs) add(d);
  std::uint64_t total = 0;
  for (const auto& d : blobs) {
    std::error_code ec;
    total += stdfs::file_size(store.blob_path(d), ec);
  }
  const nlohmann::json index{{"schemaVersion", 2}, {"mediaType", media::index}, {"manifests", index_manifests}};

  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw Error(ErrorKind::conflict, file.string() + " is a directory", "give the path of the .tar file to write");
  }
  progress.phase("writing " + file.filename().string(), total);
  // A fixed order: the tarball's bytes depend on the package only.
  auto write_tar = [&](int fd, const std::string& what) {
    TarWriter tar(fd, what);
    std::vector<char> buf(k_buffer);
    tar.file("oci-layout", k_layout_json);
    tar.file("index.json", index.dump(2) + "\n");
    tar.directory("blobs/");
    tar.directory("blobs/sha256/");
    for (const auto& digest : blobs) tar.blob(store, digest, buf, progress);
    tar.close();
  };
  // A pipe, a device or /dev/stdout takes the stream in place (mlops package export REF
  // /dev/stdout | ...): a rename over it would replace the node (fs::output_target).
  const fs::OutputTarget target = fs::output_target(file);
  if (target.kind == fs::OutputTarget::Kind::stream) {
    Fd out(fs::open_output_stream(target.path));
    write_tar(out.get(), target.path.string());
    out.close(target.path.string());
    return;
  }
  TempFile temp(target.path);
  write_tar(temp.fd(), temp.path().string());
  temp.commit(target.path);
}

// ---- import ----
//
// A tarball is hostile until proven otherwise, and its entries may come in any order (our
// exports put index.json and the manifests first; other tools put them last). Only blobs
// that a manifest listed in its index.json references (its config and layers, and those of
// the signatures listed there) are stored, each checked against its descriptor's size before
// a byte is written and against its digest as it streams; everything else is read past (on
// a plain tar, seeked past) and never stored. Small blobs that arrive before anyone says
// what they are for are kept in memory (they may be manifests or configs); a big blob that
// arrives before its manifest is read past and taken on a second pass over the file (a
// third at most: index.json, manifests, blobs). A compressed tarball may expand to at most
// `expansion_ratio` times its size plus `expansion_slack` per pass: gzip cannot go much
// beyond 1000:1, a zstd bomb could go on for terabytes.
//
// A blob the store has already is compared with the tarball's bytes as they stream (a
// read, not a write); the first byte that differs turns it into a write, so an import
// repairs a corrupt store copy. Manifests are listed in index.json (in one update) only when
// every blob they reference is in the store and the config's diff ids match the layers.

namespace {

std::string read_small(archive* a, la_int64_t declared, std::uint64_t max, const std::string& what) {
  if (declared < 0 || static_cast<std::uint64_t>(declared) > max) {
    throw Error(ErrorKind::invalid_input, what + " is too large (" + std::to_string(declared) + " bytes)");
  }
  std::string out(static_cast<std::size_t>(declared), '\0');
  std::size_t got = 0;
  while (got < out.size()) {
    const la_ssize_t n = archive_read_data(a, out.data() + got, out.size() - got);
    if (n < 0) throw Error(ErrorKind::invalid_input, what + " is truncated: " + archive_message(a));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got != out.size()) throw Error(ErrorKind::invalid_input, what + " is truncated");
  return out;
}

bool is_blob_name(std::string_view rel, std::string& digest) {
  constexpr std::string_view prefix = "blobs/sha256/";
  if (rel.substr(0, prefix.size()) != prefix) return false;
  digest = "sha256:" + std::string(rel.substr(prefix.size()));
  return is_digest(digest);
}

// The tarball's bytes for libarchive, counted for progress; skipped data is seeked over
// when the file allows it (libarchive asks only for data no filter needs).
class ImportSource {
 public:
  ImportSource(int fd, std::string what, bool seekable, const Progress& progress)
      : m_fd(fd), m_what(std::move(what)), m_seekable(seekable), m_progress(progress), m_buf(k_buffer) {}
  ImportSource(const ImportSource&) = delete;
  ImportSource& operator=(const ImportSource&) = delete;

  void open(archive* a) {
    const int rc = archive_read_open2(a, this, nullptr, &ImportSource::on_read, m_seekable ? &ImportSource::on_skip : nullptr, nullptr);
    rethrow_if_failed();
    if (rc != ARCHIVE_OK) throw Error(ErrorKind::invalid_input, m_what + " is not a tar archive: " + archive_message(a));
  }
  void rewind() {
    if (::lseek(m_fd, 0, SEEK_SET) != 0) throw_errno("cannot read " + m_what + " again");
  }
  void rethrow_if_failed() const {
    if (m_error) std::rethrow_exception(m_error);
  }

 private:
  static la_ssize_t on_read(archive*, void* client, const void** buffer) {
    auto* self = static_cast<ImportSource*>(client);
    try {
      check_interrupted();
      const std::size_t n = read_some(self->m_fd, self->m_buf.data(), self->m_buf.size(), self->m_what);
      self->m_progress.advance(n);
      *buffer = self->m_buf.data();
      return static_cast<la_ssize_t>(n);
    } catch (...) {
      self->m_error = std::current_exception();
      return -1;
    }
  }
  static la_int64_t on_skip(archive*, void* client, la_int64_t request) {
    auto* self = static_cast<ImportSource*>(client);
    const off_t here = ::lseek(self->m_fd, 0, SEEK_CUR);
    struct stat st {};
    if (here < 0 || request <= 0 || ::fstat(self->m_fd, &st) != 0) return 0;  // libarchive reads instead
    const la_int64_t n = std::min<la_int64_t>(request, st.st_size - here);
    if (n <= 0 || ::lseek(self->m_fd, n, SEEK_CUR) < 0) return 0;
    self->m_progress.advance(static_cast<std::uint64_t>(n));
    return n;
  }

  int m_fd;
  std::string m_what;
  bool m_seekable;
  Progress m_progress;
  std::vector<char> m_buf;
  std::exception_ptr m_error;
};

// One blob streamed into the store, compared with the store's copy while they agree.
class BlobIngest {
 public:
  BlobIngest(Store& store, const Descriptor& d, const std::string& what) : m_store(store), m_d(d), m_what(what) {
    if (store.has_blob(d.digest, d.size)) {
      m_existing = Fd(::open(store.blob_path(d.digest).c_str(), O_RDONLY | O_CLOEXEC));
      if (m_existing) m_compare.resize(k_buffer);
    }
    if (!m_existing) m_writer.emplace(store);
  }

  void write(const char* p, std::size_t n) {
    if (m_writer) {
      m_writer->write(p, n);
      return;
    }
    m_hash.update(p, n);
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::pread(m_existing.get(), m_compare.data(), n - got, static_cast<off_t>(m_offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0 || std::memcmp(m_compare.data(), p + got, static_cast<std::size_t>(r)) != 0) {
        diverge(p, n);
        return;
      }
      got += static_cast<std::size_t>(r);
    }
    m_offset += n;
  }

  // True when the store's copy turned out identical (nothing was written).
  bool commit() {
    if (m_writer) {
      try {
        m_writer->commit(m_d.digest);
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::invalid_input) throw;
        throw Error(ErrorKind::invalid_input, m_what + ": the content does not match the digest in its name");
      }
      return false;
    }
    if ("sha256:" + m_hash.hex() != m_d.digest) {
      throw Error(ErrorKind::invalid_input, m_what + ": the content does not match the digest in its name");
    }
    return true;
  }

 private:
  // The store's copy differs from here on: the tarball's bytes are written instead, the
  // copy's equal prefix first.
  void diverge(const char* p, std::size_t n) {
    m_writer.emplace(m_store);
    std::uint64_t copied = 0;
    while (copied < m_offset) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(m_compare.size(), m_offset - copied));
      const ssize_t r = ::pread(m_existing.get(), m_compare.data(), want, static_cast<off_t>(copied));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) throw Error(ErrorKind::io, "cannot read blob " + m_d.digest + " in the store");
      m_writer->write(m_compare.data(), static_cast<std::size_t>(r));
      copied += static_cast<std::uint64_t>(r);
    }
    m_writer->write(p, n);
    m_existing.reset();
  }

  Store& m_store;
  Descriptor m_d;
  std::string m_what;
  Fd m_existing;
  std::vector<char> m_compare;
  std::uint64_t m_offset = 0;
  Sha256 m_hash;
  std::optional<BlobWriter> m_writer;
};

class Importer {
 public:
  Importer(Store& store, const stdfs::path& file, const Progress& progress, const ImportLimits& limits)
      : m_store(store), m_file(file), m_where(file.string()), m_progress(progress), m_limits(limits), m_buf(k_buffer) {}

  std::vector<std::string> run();

 private:
  enum class Role { manifest, config, layer };
  struct Wanted {
    Descriptor d;
    Role role;
    std::string what;  // "manifest sha256:…", "layer 'src' of manifest sha256:…"
  };

  void read_pass(ImportSource& source, int pass);
  void on_entry(archive* a, archive_entry* entry, bool compressed);
  void on_blob(archive* a, archive_entry* entry, const std::string& digest, const std::string& what, bool compressed);
  void on_index(const std::string& text);
  void on_json(const Wanted& w, std::string text);
  void want(const Descriptor& d, Role role, const std::string& what);
  void store_small(const Wanted& w, const std::string& data);
  void stream(archive* a, const Wanted& w, const std::string& what);
  void skip(archive* a, la_int64_t declared, const std::string& what, bool compressed);
  void check_expansion(archive* a, bool compressed) const;
  void from_store();
  bool closed() const;
  void check_diff_ids(const Descriptor& manifest);
  IndexEntry index_entry(const Descriptor& d);

  Store& m_store;
  stdfs::path m_file;
  std::string m_where;
  Progress m_progress;
  ImportLimits m_limits;
  std::vector<char> m_buf;
  std::uint64_t m_file_size = 0;
  std::optional<std::string> m_layout, m_index;
  std::vector<Descriptor> m_index_manifests;
  std::map<std::string, Wanted> m_wanted;      // referenced, not yet in the store
  std::set<std::string> m_stored;              // referenced and checked in the store
  std::map<std::string, std::string> m_json;   // manifests and configs, verified
  std::map<std::string, std::string> m_small;  // unknown small blobs (unverified)
  std::uint64_t m_small_bytes = 0;
  std::set<std::string> m_skipped;                // blob entries read past in this pass
  std::map<std::string, std::string> m_diff_ids;  // of compressed layers, computed as they streamed
};

bool Importer::closed() const {
  if (!m_index) return false;
  return std::none_of(m_wanted.begin(), m_wanted.end(), [](const auto& w) { return w.second.role == Role::manifest; });
}

void Importer::want(const Descriptor& d, Role role, const std::string& what) {
  if (m_stored.count(d.digest) != 0) return;
  if ((role == Role::manifest || role == Role::config) && d.size > k_max_json) {
    throw Error(ErrorKind::invalid_input,
                m_where + ": " + what + " is " + std::to_string(d.size) + " bytes, too large for JSON mlops reads");
  }
  if (const auto it = m_wanted.find(d.digest); it != m_wanted.end()) {
    if (it->second.d.size != d.size) {
      throw Error(ErrorKind::invalid_input, m_where + ": two descriptors of blob " + short_digest(d.digest) + " disagree on its size");
    }
    // A manifest's content is needed even when it is also someone's layer.
    if (role == Role::manifest || (role == Role::config && it->second.role == Role::layer)) it->second.role = role;
    return;
  }
  const Wanted w{d, role, what};
  if (const auto small = m_small.find(d.digest); small != m_small.end()) {
    const std::string data = std::move(small->second);
    m_small_bytes -= data.size();
    m_small.erase(small);
    store_small(w, data);
    return;
  }
  m_wanted.emplace(d.digest, w);
}

void Importer::store_small(const Wanted& w, const std::string& data) {
  if (data.size() != w.d.size) {
    throw Error(ErrorKind::invalid_input, m_where + ": blob " + short_digest(w.d.digest) + " holds " + std::to_string(data.size()) +
                                              " bytes where its descriptor says " + std::to_string(w.d.size));
  }
  BlobIngest ingest(m_store, w.d, m_where + ": blob " + short_digest(w.d.digest));
  ingest.write(data.data(), data.size());
  ingest.commit();
  m_wanted.erase(w.d.digest);
  m_stored.insert(w.d.digest);
  if (w.role == Role::layer) {
    if (const auto c = layer_compression(w.d.media_type); c && !c->empty()) {
      DiffHasher h(*c, m_where + ": " + w.what);
      h.update(data.data(), data.size());
      m_diff_ids[w.d.digest] = h.finish();
    }
  }
  if (w.role != Role::layer) on_json(w, data);
}

void Importer::on_json(const Wanted& w, std::string text) {
  if (w.role == Role::manifest) {
    const std::string what = "manifest " + short_digest(w.d.digest);
    const auto blobs = manifest_blobs(text, m_where + ": " + what);
    m_json[w.d.digest] = std::move(text);
    want(blobs[0], Role::config, "the config of " + what);
    for (std::size_t i = 1; i < blobs.size(); ++i) want(blobs[i], Role::layer, "layer " + std::to_string(i) + " of " + what);
  } else {
    m_json[w.d.digest] = std::move(text);
  }
}

void Importer::on_index(const std::string& text) {
  const auto index = nlohmann::json::parse(text, nullptr, false);
  const std::string what = m_where + ": index.json";
  if (!index.is_object()) throw Error(ErrorKind::invalid_input, what + " is not a JSON object");
  const auto manifests = index.find("manifests");
  if (manifests == index.end() || !manifests->is_array() || manifests->empty()) {
    throw Error(ErrorKind::invalid_input, what + " lists no manifests");
  }
  for (const auto& m : *manifests) {
    const Descriptor d = parse_descriptor(m, what);
    if (d.media_type != media::manifest) {
      throw Error(ErrorKind::invalid_input, m_where + ": manifest " + short_digest(d.digest) + " has media type " +
                                                printable(d.media_type) + "; only OCI image manifests are imported");
    }
    m_index_manifests.push_back(d);
  }
  for (const auto& d : m_index_manifests) want(d, Role::manifest, "manifest " + short_digest(d.digest));
}

void Importer::check_expansion(archive* a, bool compressed) const {
  if (!compressed) return;
  const auto expanded = static_cast<std::uint64_t>(std::max<la_int64_t>(0, archive_filter_bytes(a, 0)));
  const std::uint64_t limit = m_file_size * m_limits.expansion_ratio + m_limits.expansion_slack;
  if (expanded > limit) {
    throw Error(ErrorKind::invalid_input, m_where + " expands to more than " + human_size(limit) + " (" +
                                              std::to_string(m_limits.expansion_ratio) +
                                              " times its size, and more): refused as a decompression bomb");
  }
}

void Importer::skip(archive* a, la_int64_t declared, const std::string& what, bool compressed) {
  if (!compressed) {
    if (archive_read_data_skip(a) != ARCHIVE_OK) throw Error(ErrorKind::invalid_input, what + " is truncated: " + archive_message(a));
    return;
  }
  // Read (decompressed) in pieces, so an entry that expands without end stops at the limit.
  std::uint64_t total = 0;
  for (;;) {
    check_interrupted();
    const la_ssize_t n = archive_read_data(a, m_buf.data(), m_buf.size());
    if (n < 0) throw Error(ErrorKind::invalid_input, what + " is truncated: " + archive_message(a));
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    check_expansion(a, compressed);
  }
  if (total != static_cast<std::uint64_t>(declared)) {
    throw Error(ErrorKind::invalid_input,
                what + " holds " + std::to_string(total) + " bytes where its header says " + std::to_string(declared));
  }
}

void Importer::stream(archive* a, const Wanted& w, const std::string& what) {
  m_progress.item(short_digest(w.d.digest));
  BlobIngest ingest(m_store, w.d, what);
  std::optional<DiffHasher> diff;
  if (w.role == Role::layer) {
    if (const auto c = layer_compression(w.d.media_type); c && !c->empty()) diff.emplace(*c, what);
  }
  std::string json;
  std::uint64_t total = 0;
  for (;;) {
    check_interrupted();
    const la_ssize_t n = archive_read_data(a, m_buf.data(), m_buf.size());
    if (n < 0) throw Error(ErrorKind::invalid_input, what + " is truncated: " + archive_message(a));
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    // The header agreed with the descriptor; the data may not stop there.
    if (total > w.d.size)
      throw Error(ErrorKind::invalid_input, what + " holds more than the " + std::to_string(w.d.size) + " bytes its descriptor says");
    ingest.write(m_buf.data(), static_cast<std::size_t>(n));
    if (diff) diff->update(m_buf.data(), static_cast<std::size_t>(n));
    if (w.role != Role::layer) json.append(m_buf.data(), static_cast<std::size_t>(n));
  }
  if (total != w.d.size)
    throw Error(ErrorKind::invalid_input, what + " is truncated: " + std::to_string(total) + " of " + std::to_string(w.d.size) + " bytes");
  ingest.commit();
  const Wanted done = w;
  m_wanted.erase(done.d.digest);
  m_stored.insert(done.d.digest);
  if (diff) m_diff_ids[done.d.digest] = diff->finish();
  if (done.role != Role::layer) on_json(done, std::move(json));
}

void Importer::on_blob(archive* a, archive_entry* entry, const std::string& digest, const std::string& what, bool compressed) {
  const la_int64_t declared = archive_entry_size(entry);
  if (declared < 0) throw Error(ErrorKind::invalid_input, what + " has a negative size");
  const auto size = static_cast<std::uint64_t>(declared);
  if (const auto it = m_wanted.find(digest); it != m_wanted.end()) {
    // Checked before a byte is written: a blob is never bigger than its descriptor says.
    if (size != it->second.d.size) {
      throw Error(ErrorKind::invalid_input, what + " is " + std::to_string(size) + " bytes where the descriptor of " + it->second.what +
                                                " says " + std::to_string(it->second.d.size));
    }
    stream(a, it->second, what);
    return;
  }
  if (m_stored.count(digest) == 0 && !closed() && size <= m_limits.small_blob && m_small_bytes + size <= m_limits.small_budget &&
      m_small.count(digest) == 0) {
    // Perhaps a manifest or a config whose role index.json will reveal later.
    std::string data(static_cast<std::size_t>(size), '\0');
    std::size_t got = 0;
    while (got < data.size()) {
      const la_ssize_t n = archive_read_data(a, data.data() + got, data.size() - got);
      if (n < 0) throw Error(ErrorKind::invalid_input, what + " is truncated: " + archive_message(a));
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    if (got != data.size()) throw Error(ErrorKind::invalid_input, what + " is truncated");
    m_small_bytes += data.size();
    m_small.emplace(digest, std::move(data));
    return;
  }
  if (m_stored.count(digest) == 0) m_skipped.insert(digest);
  skip(a, declared, what, compressed);
}

void Importer::on_entry(archive* a, archive_entry* entry, bool compressed) {
  const std::string raw = entry_pathname(entry, m_where);
  const std::string rel = safe_entry_path(raw, m_where);
  const std::string what = m_where + ": '" + printable(raw) + "'";
  if (!entry_hardlink(entry, what).empty())
    throw Error(ErrorKind::invalid_input, what + " is a hard link; an OCI layout holds only files and directories");
  const auto type = archive_entry_filetype(entry);
  if (type == AE_IFDIR) return;
  if (type != AE_IFREG) {
    throw Error(ErrorKind::invalid_input, what + (type == AE_IFLNK ? " is a symlink" : " is a device, FIFO or socket") +
                                              "; an OCI layout holds only files and directories");
  }
  std::string digest;
  if (rel == "oci-layout" || rel == "index.json") {
    auto& slot = rel == "oci-layout" ? m_layout : m_index;
    const bool first_pass_copy = !slot.has_value();
    std::string text = read_small(a, archive_entry_size(entry), rel == "oci-layout" ? k_max_layout : k_max_index, what);
    if (!first_pass_copy) {
      if (text != *slot) throw Error(ErrorKind::invalid_input, what + " appears twice, or changed between two reads");
      return;
    }
    slot = std::move(text);
    if (rel == "index.json") on_index(*m_index);
  } else if (is_blob_name(rel, digest)) {
    on_blob(a, entry, digest, what, compressed);
  } else {
    // Not part of the layout (a README, another algorithm's blobs): ignored, but read.
    skip(a, archive_entry_size(entry), what, compressed);
  }
}

void Importer::read_pass(ImportSource& source, int pass) {
  ArchiveReadPtr a(archive_read_new());
  if (!a) throw Error(ErrorKind::internal, "cannot create a tar reader");
  if (archive_read_support_format_tar(a.get()) != ARCHIVE_OK || archive_read_support_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_read_support_filter_zstd(a.get()) != ARCHIVE_OK) {
    throw Error(ErrorKind::internal, "cannot read tarballs: " + archive_message(a.get()));
  }
  m_progress.phase(pass == 1 ? "reading " + m_file.filename().string() : "reading " + m_file.filename().string() + " again", m_file_size);
  source.open(a.get());
  const bool compressed = archive_filter_count(a.get()) > 1;
  std::set<std::string> names;  // oci-layout and index.json once each per pass
  archive_entry* entry = nullptr;
  for (;;) {
    check_interrupted();
    const int rc = archive_read_next_header(a.get(), &entry);
    source.rethrow_if_failed();
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) throw Error(ErrorKind::invalid_input, m_where + " is not a valid tar archive: " + archive_message(a.get()));
    check_expansion(a.get(), compressed);
    const std::string raw = entry_pathname(entry, m_where);
    const std::string rel = safe_entry_path(raw, m_where);
    if ((rel == "oci-layout" || rel == "index.json") && !names.insert(rel).second) {
      throw Error(ErrorKind::invalid_input, m_where + ": '" + printable(raw) + "' appears twice");
    }
    on_entry(a.get(), entry, compressed);
    source.rethrow_if_failed();
  }
  if (archive_read_close(a.get()) != ARCHIVE_OK) throw Error(ErrorKind::invalid_input, m_where + ": " + archive_message(a.get()));
}

// Referenced blobs the tarball does not hold: the store's copy is used when it has the right
// size (a package built or imported before); manifests and configs are read (and so
// checked) for what they reference in turn.
void Importer::from_store() {
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = m_wanted.begin(); it != m_wanted.end(); ++it) {
      const Wanted w = it->second;
      if (m_skipped.count(w.d.digest) != 0) continue;  // in the tarball: taken on the next pass
      struct stat st {};
      if (::stat(m_store.blob_path(w.d.digest).c_str(), &st) != 0) {
        throw Error(ErrorKind::invalid_input, m_where + ": " + w.what + " (" + w.d.digest + ") is neither in the tarball nor in the store");
      }
      if (static_cast<std::uint64_t>(st.st_size) != w.d.size) {
        throw Error(ErrorKind::invalid_input, m_where + ": " + w.what + " (" + w.d.digest +
                                                  ") is not in the tarball, and the store's copy has " + std::to_string(st.st_size) +
                                                  " bytes where the descriptor says " + std::to_string(w.d.size));
      }
      m_wanted.erase(it);
      m_stored.insert(w.d.digest);
      if (w.role != Role::layer) on_json(w, m_store.read_blob(w.d.digest));
      changed = true;
      break;  // m_wanted changed
    }
  }
}

void Importer::check_diff_ids(const Descriptor& manifest) {
  package::check_diff_ids(m_store, m_json.at(manifest.digest), m_where + ": manifest " + short_digest(manifest.digest), m_diff_ids);
}

IndexEntry Importer::index_entry(const Descriptor& d) {
  const std::string what = m_where + ": manifest " + short_digest(d.digest);
  check_diff_ids(d);
  std::string ref;
  if (const auto r = d.annotations.find(annotation::ref_name); r != d.annotations.end()) {
    // Ours are NAME:TAG; other tools often write a bare tag, which reads as NAME[:latest].
    try {
      ref = parse_reference(r->get<std::string>()).str();
    } catch (const Error& err) {
      throw Error(ErrorKind::invalid_input, what + ": reference '" + printable(r->get<std::string>()) + "': " + err.what());
    }
  }
  return index_entry_for(d, m_json.at(d.digest), ref, what);
}

std::vector<std::string> Importer::run() {
  Fd fd(::open(m_file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) throw Error(ErrorKind::not_found, m_where + " does not exist");
    throw_errno("cannot read " + m_where);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot read " + m_where);
  if (S_ISDIR(st.st_mode)) throw Error(ErrorKind::invalid_input, m_where + " is a directory, not a tarball");
  const bool seekable = S_ISREG(st.st_mode);
  m_file_size = seekable ? static_cast<std::uint64_t>(st.st_size) : 0;
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  ImportSource source(fd.get(), m_where, seekable, m_progress);
  const Utf8Locale utf8;
  for (int pass = 1;; ++pass) {
    m_skipped.clear();
    read_pass(source, pass);
    if (pass == 1) {
      if (!m_layout) throw Error(ErrorKind::invalid_input, m_where + " is not an OCI image layout: it has no oci-layout file");
      const auto layout = nlohmann::json::parse(*m_layout, nullptr, false);
      if (!layout.is_object() || !layout.contains("imageLayoutVersion") || !layout["imageLayoutVersion"].is_string()) {
        throw Error(ErrorKind::invalid_input, m_where + ": oci-layout is not an OCI layout header");
      }
      if (!m_index) throw Error(ErrorKind::invalid_input, m_where + " is not an OCI image layout: it has no index.json");
    }
    m_small.clear();  // what is still unclaimed is not referenced
    m_small_bytes = 0;
    from_store();
    if (m_wanted.empty()) break;
    if (!seekable) {
      throw Error(ErrorKind::invalid_input, m_where + " has blobs before the manifests that reference them, and cannot be read twice",
                  "import it from a regular file rather than a pipe");
    }
    if (pass >= k_max_passes)
      throw Error(ErrorKind::invalid_input,
                  m_where + ": its blobs are in an order that needs more than " + std::to_string(k_max_passes) + " passes");
    source.rewind();
  }

  std::vector<IndexEntry> entries;
  for (const auto& d : m_index_manifests) entries.push_back(index_entry(d));
  add_to_index(m_store, entries);
  std::vector<std::string> out;
  for (const auto& e : entries) {
    if (!e.ref.empty()) out.push_back(e.ref);
    else if (!e.descriptor.annotations.contains(annotation::subject)) out.push_back(e.descriptor.digest);
  }
  return out;
}

}  // namespace

std::vector<std::string> import_tar(const stdfs::path& store_root, const stdfs::path& file, const Progress& progress,
                                    const ImportLimits& limits) {
  Store store(store_root);
  // Shared from the first blob to the index update: gc would delete blobs not yet listed.
  const FileLock lock = store.writer_lock();
  Importer importer(store, file, progress, limits);
  return importer.run();
}

std::vector<std::string> import_tar(const stdfs::path& store_root, const stdfs::path& file, ProgressObserver* progress) {
  return import_tar(store_root, file, Progress(progress), ImportLimits{});
}

}  // namespace mlops::package
