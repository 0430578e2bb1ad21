// SPDX-License-Identifier: MIT
// Export and import of OCI image layout tarballs (what `skopeo copy oci-archive:` and
// `docker save`-style tools exchange): oci-layout, index.json and blobs/sha256/<hex>.
//
// Export is deterministic (sorted entries, mtime 0, uid/gid 0, fixed modes), so the same
// package gives the same bytes, and atomic (a temp file beside FILE, fsync, rename).
// Import streams each blob into the store through BlobWriter, which checks its digest, and
// only then touches index.json: a manifest is listed only when every blob it references is
// in the store.
#include "package/archive_io.hpp"
#include "package/c_libs.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/package.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <set>

namespace mlops::package {
namespace {

constexpr std::size_t k_buffer = 1u << 20;
constexpr std::uint64_t k_max_index = 16u << 20;
constexpr std::uint64_t k_max_layout = 64u << 10;
constexpr const char* k_layout_json = R"({"imageLayoutVersion":"1.0.0"})";

std::string short_digest(std::string_view digest) { return std::string(digest.substr(0, 19)); }

// The descriptors a manifest references (config, layers). Error{invalid_input} naming it
// when it is not an image manifest.
std::vector<Descriptor> referenced_blobs(const std::string& text, const std::string& what) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) throw Error(ErrorKind::invalid_input, what + " is not a JSON object");
  if (const auto mt = j.find("mediaType"); mt != j.end() && *mt != media::manifest) {
    throw Error(ErrorKind::invalid_input, what + " is not an OCI image manifest");
  }
  std::vector<Descriptor> out;
  const auto config = j.find("config");
  if (config == j.end()) throw Error(ErrorKind::invalid_input, what + " has no config");
  out.push_back(parse_descriptor(*config, what + " config"));
  if (const auto layers = j.find("layers"); layers != j.end()) {
    if (!layers->is_array()) throw Error(ErrorKind::invalid_input, what + ": layers is not an array");
    for (const auto& l : *layers) out.push_back(parse_descriptor(l, what + " layer"));
  }
  return out;
}

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

// A temp file beside the target, removed unless it was renamed over it.
class TempFile {
 public:
  explicit TempFile(const stdfs::path& target) {
    const stdfs::path dir = target.has_parent_path() ? target.parent_path() : stdfs::path(".");
    std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    m_fd = Fd(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!m_fd) throw_errno("cannot create a temporary file in " + dir.string());
    m_path = tmpl;
  }
  ~TempFile() {
    m_fd.reset();
    if (!m_path.empty()) ::unlink(m_path.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  int fd() const { return m_fd.get(); }
  const stdfs::path& path() const { return m_path; }
  void commit(const stdfs::path& target) {
    if (::fchmod(m_fd.get(), 0644) != 0) throw_errno("cannot chmod " + m_path.string());
    if (::fsync(m_fd.get()) != 0) throw_errno("cannot write " + m_path.string());
    m_fd.close(m_path.string());
    if (::rename(m_path.c_str(), target.c_str()) != 0) throw_errno("cannot write " + target.string());
    m_path.clear();
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

  void directory(const std::string& name) {
    header(name, AE_IFDIR, 0755, 0);
  }
  void file(const std::string& name, std::string_view data) {
    header(name, AE_IFREG, 0644, data.size());
    write(data.data(), data.size(), name);
  }
  // Streams the blob, hashing it: a damaged store copy is not exported.
  void blob(const Store& store, const std::string& digest, std::vector<char>& buf) {
    const std::string name = "blobs/sha256/" + std::string(digest_hex(digest));
    Fd in(::open(store.blob_path(digest).c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) {
      if (errno == ENOENT) throw Error(ErrorKind::not_found, "blob " + digest + " is not in the store " + store.root().string());
      throw_errno("cannot read blob " + digest);
    }
    struct stat st{};
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
    }
    if (total != size) throw Error(ErrorKind::io, "blob " + digest + " shrank while it was exported");
    if ("sha256:" + hash.hex() != digest) {
      throw Error(ErrorKind::invalid_input, "blob " + digest + " in the store is corrupt: its content has another digest",
                  "run 'mlops package verify', then rebuild or re-import the package");
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

void export_tar(const stdfs::path& store_root, const std::string& ref, const stdfs::path& file) {
  Store store(store_root);
  // Shared: gc waits until every blob is in the tarball.
  const FileLock lock = store.gc_lock(false);
  const IndexEntry package = store.resolve(ref);
  std::vector<IndexEntry> manifests{package};
  for (auto& r : store.referrers(package.descriptor.digest)) manifests.push_back(std::move(r));

  std::set<std::string> blobs;
  nlohmann::json index_manifests = nlohmann::json::array();
  for (const auto& m : manifests) {
    const std::string what = "manifest " + short_digest(m.descriptor.digest);
    blobs.insert(m.descriptor.digest);
    for (const auto& d : referenced_blobs(store.read_blob(m.descriptor.digest), what)) blobs.insert(d.digest);
    index_manifests.push_back(to_json(m.descriptor));  // its annotations: the tag, or the signature's subject
  }
  const nlohmann::json index{{"schemaVersion", 2}, {"mediaType", media::index}, {"manifests", index_manifests}};

  struct stat st{};
  if (::stat(file.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw Error(ErrorKind::conflict, file.string() + " is a directory", "give the path of the .tar file to write");
  }
  TempFile temp(file);
  TarWriter tar(temp.fd(), temp.path().string());
  std::vector<char> buf(k_buffer);
  // Sorted by name: the tarball's bytes depend on the package only.
  tar.directory("blobs/");
  tar.directory("blobs/sha256/");
  for (const auto& digest : blobs) tar.blob(store, digest, buf);
  tar.file("index.json", index.dump(2) + "\n");
  tar.file("oci-layout", k_layout_json);
  tar.close();
  temp.commit(file);
}

// ---- import ----

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

class Importer {
 public:
  Importer(Store& store, const stdfs::path& file) : m_store(store), m_file(file), m_buf(k_buffer) {}

  std::vector<std::string> run();

 private:
  void read_tarball();
  void blob(archive* a, archive_entry* entry, const std::string& digest, const std::string& what);
  IndexEntry check_manifest(const Descriptor& d);

  Store& m_store;
  stdfs::path m_file;
  std::vector<char> m_buf;
  std::optional<std::string> m_layout, m_index;
  std::set<std::string> m_blobs;  // digests the tarball held
};

void Importer::blob(archive* a, archive_entry* entry, const std::string& digest, const std::string& what) {
  const la_int64_t declared = archive_entry_size(entry);
  if (declared < 0) throw Error(ErrorKind::invalid_input, what + " has a negative size");
  // Verified either way; a blob the store has already is only hashed, not written again.
  const bool have = m_blobs.contains(digest) || m_store.has_blob(digest);
  std::optional<BlobWriter> writer;
  Sha256 hash;
  if (!have) writer.emplace(m_store);
  std::uint64_t total = 0;
  for (;;) {
    check_interrupted();
    const la_ssize_t n = archive_read_data(a, m_buf.data(), m_buf.size());
    if (n < 0) {
      throw Error(ErrorKind::invalid_input, what + " is truncated: its header says " + std::to_string(declared) + " bytes (" + archive_message(a) + ")");
    }
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (writer) writer->write(m_buf.data(), static_cast<std::size_t>(n));
    else hash.update(m_buf.data(), static_cast<std::size_t>(n));
  }
  if (total != static_cast<std::uint64_t>(declared)) {
    throw Error(ErrorKind::invalid_input, what + " holds " + std::to_string(total) + " bytes where its header says " + std::to_string(declared));
  }
  if (writer) {
    try {
      writer->commit(digest);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::invalid_input) throw;
      throw Error(ErrorKind::invalid_input, what + ": the content does not match the digest in its name");
    }
  } else if ("sha256:" + hash.hex() != digest) {
    throw Error(ErrorKind::invalid_input, what + ": the content does not match the digest in its name");
  }
  m_blobs.insert(digest);
}

void Importer::read_tarball() {
  Fd fd(::open(m_file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) throw Error(ErrorKind::not_found, m_file.string() + " does not exist");
    throw_errno("cannot read " + m_file.string());
  }
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot read " + m_file.string());
  if (S_ISDIR(st.st_mode)) throw Error(ErrorKind::invalid_input, m_file.string() + " is a directory, not a tarball");
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);

  ArchiveReadPtr a(archive_read_new());
  if (!a) throw Error(ErrorKind::internal, "cannot create a tar reader");
  if (archive_read_support_format_tar(a.get()) != ARCHIVE_OK || archive_read_support_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_read_support_filter_zstd(a.get()) != ARCHIVE_OK) {
    throw Error(ErrorKind::internal, "cannot read tarballs: " + archive_message(a.get()));
  }
  if (archive_read_open_fd(a.get(), fd.get(), k_buffer) != ARCHIVE_OK) {
    throw Error(ErrorKind::invalid_input, m_file.string() + " is not a tar archive: " + archive_message(a.get()));
  }
  const std::string where = m_file.string();
  archive_entry* entry = nullptr;
  for (;;) {
    check_interrupted();
    const int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) throw Error(ErrorKind::invalid_input, where + " is not a valid tar archive: " + archive_message(a.get()));
    const char* raw = archive_entry_pathname(entry);
    if (raw == nullptr) throw Error(ErrorKind::invalid_input, where + ": a tar entry has no usable name");
    const std::string rel = safe_entry_path(raw, where);
    const std::string what = where + ": '" + printable(raw) + "'";
    if (archive_entry_hardlink(entry) != nullptr) throw Error(ErrorKind::invalid_input, what + " is a hard link; an OCI layout holds only files and directories");
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG) {
      throw Error(ErrorKind::invalid_input, what + (type == AE_IFLNK ? " is a symlink" : " is a device, FIFO or socket") +
                                                "; an OCI layout holds only files and directories");
    }
    std::string digest;
    if (rel == "oci-layout" || rel == "index.json") {
      auto& slot = rel == "oci-layout" ? m_layout : m_index;
      if (slot) throw Error(ErrorKind::invalid_input, what + " appears twice");
      slot = read_small(a.get(), archive_entry_size(entry), rel == "oci-layout" ? k_max_layout : k_max_index, what);
    } else if (is_blob_name(rel, digest)) {
      blob(a.get(), entry, digest, what);
    } else if (archive_read_data_skip(a.get()) < ARCHIVE_WARN) {
      // Not part of the layout (a README, another algorithm's blobs): ignored, but read.
      throw Error(ErrorKind::invalid_input, what + " is truncated: " + archive_message(a.get()));
    }
  }
  if (!m_layout) throw Error(ErrorKind::invalid_input, where + " is not an OCI image layout: it has no oci-layout file");
  const auto layout = nlohmann::json::parse(*m_layout, nullptr, false);
  if (!layout.is_object() || !layout.contains("imageLayoutVersion") || !layout["imageLayoutVersion"].is_string()) {
    throw Error(ErrorKind::invalid_input, where + ": oci-layout is not an OCI layout header");
  }
  if (!m_index) throw Error(ErrorKind::invalid_input, where + " is not an OCI image layout: it has no index.json");
}

IndexEntry Importer::check_manifest(const Descriptor& d) {
  const std::string what = m_file.string() + ": manifest " + short_digest(d.digest);
  if (d.media_type != media::manifest) {
    throw Error(ErrorKind::invalid_input, what + " has media type " + printable(d.media_type) + "; only OCI image manifests are imported");
  }
  auto present = [&](const Descriptor& b, const std::string& role) {
    struct stat st{};
    if (::stat(m_store.blob_path(b.digest).c_str(), &st) != 0) {
      throw Error(ErrorKind::invalid_input, what + ": its " + role + " " + b.digest + " is neither in the tarball nor in the store");
    }
    if (static_cast<std::uint64_t>(st.st_size) != b.size) {
      throw Error(ErrorKind::invalid_input, what + ": its " + role + " " + b.digest + " has " + std::to_string(st.st_size) +
                                                " bytes where the descriptor says " + std::to_string(b.size));
    }
  };
  present(d, "manifest blob");
  const std::string text = m_store.read_blob(d.digest);
  const auto j = nlohmann::json::parse(text, nullptr, false);
  const auto blobs = referenced_blobs(text, what);
  present(blobs[0], "config");
  for (std::size_t i = 1; i < blobs.size(); ++i) present(blobs[i], "layer");

  IndexEntry e;
  e.descriptor = d;
  if (const auto r = d.annotations.find(annotation::ref_name); r != d.annotations.end()) {
    // Ours are NAME:TAG; other tools often write a bare tag, which reads as NAME[:latest].
    try {
      e.ref = parse_reference(r->get<std::string>()).str();
    } catch (const Error& err) {
      throw Error(ErrorKind::invalid_input, what + ": reference '" + printable(r->get<std::string>()) + "': " + err.what());
    }
    e.descriptor.annotations[annotation::ref_name] = e.ref;
  }
  if (e.descriptor.artifact_type.empty()) {
    if (const auto at = j.find("artifactType"); at != j.end() && at->is_string()) e.descriptor.artifact_type = *at;
  }
  // A referrer from another tool says what it signs in the manifest only; the store lists
  // referrers by this annotation.
  if (e.ref.empty() && !e.descriptor.annotations.contains(annotation::subject)) {
    if (const auto s = j.find("subject"); s != j.end() && s->is_object()) {
      const Descriptor subject = parse_descriptor(*s, what + " subject");
      e.descriptor.annotations[annotation::subject] = subject.digest;
    }
  }
  return e;
}

std::vector<std::string> Importer::run() {
  read_tarball();
  const auto index = nlohmann::json::parse(*m_index, nullptr, false);
  const std::string what = m_file.string() + ": index.json";
  if (!index.is_object()) throw Error(ErrorKind::invalid_input, what + " is not a JSON object");
  const auto manifests = index.find("manifests");
  if (manifests == index.end() || !manifests->is_array() || manifests->empty()) {
    throw Error(ErrorKind::invalid_input, what + " lists no manifests");
  }
  std::vector<IndexEntry> entries;
  for (const auto& m : *manifests) entries.push_back(check_manifest(parse_descriptor(m, what)));

  m_store.update_index([&](std::vector<IndexEntry>& index_entries) {
    for (const auto& e : entries) {
      // Already there as is: left in place, so importing twice changes nothing.
      const bool same = std::any_of(index_entries.begin(), index_entries.end(), [&](const IndexEntry& x) {
        return x.ref == e.ref && x.descriptor.digest == e.descriptor.digest;
      });
      if (!same) set_index_entry(index_entries, e);
    }
  });
  std::vector<std::string> out;
  for (const auto& e : entries) {
    if (!e.ref.empty()) out.push_back(e.ref);
    else if (!e.descriptor.annotations.contains(annotation::subject)) out.push_back(e.descriptor.digest);
  }
  return out;
}

}  // namespace

std::vector<std::string> import_tar(const stdfs::path& store_root, const stdfs::path& file) {
  Store store(store_root);
  // Shared from the first blob to the index update: gc would delete blobs not yet listed.
  const FileLock lock = store.gc_lock(false);
  Importer importer(store, file);
  return importer.run();
}

}  // namespace mlops::package
