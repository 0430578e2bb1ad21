// SPDX-License-Identifier: MIT
#include "remote/file_backend.hpp"

#include "core/fd.hpp"
#include "core/sha256.hpp"
#include "package/store.hpp"
#include "remote/layout.hpp"
#include "remote/transfer.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace mlops::remote {
namespace {

namespace stdfs = std::filesystem;
using package::Descriptor;
using package::IndexEntry;
using package::Store;
using package::StoreAccess;

constexpr std::size_t k_chunk = 1u << 20;

// One buffer per thread, reused for every blob: a vector of 1 MiB per blob was an mmap, a
// munmap and its pages faulted in and zeroed again each time (glibc maps allocations that
// big), most of the work of pushing or fetching a 4 KiB blob.
char* chunk_buffer() {
  thread_local const std::unique_ptr<char[]> buf(new char[k_chunk]);
  return buf.get();
}

class FileBackend final : public Backend {
 public:
  explicit FileBackend(Location location) : m_location(std::move(location)) {}

  std::string_view scheme() const noexcept override { return "file"; }

  std::optional<std::uint64_t> stat_blob(const std::string& repo, const std::string& digest) override {
    // No layout check: a push killed while it created the layout (no oci-layout yet) must not
    // make the next push fail before it rewrites the header.
    if (!package::is_digest(digest)) throw Error(ErrorKind::invalid_input, "invalid digest '" + escape_controls(digest) + "'");
    const stdfs::path p = dir(repo) / "blobs" / "sha256" / digest.substr(7);
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return static_cast<std::uint64_t>(st.st_size);
  }

  void put_blob(const std::string& repo, const Descriptor& blob, const stdfs::path& path, const Progress& progress) override {
    Store& store = writable(repo);
    Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) throw_errno("cannot read " + path.string());
    package::BlobWriter w(store);
    char* const buf = chunk_buffer();
    std::uint64_t total = 0;
    for (;;) {
      check_interrupted();
      const ssize_t n = ::read(in.get(), buf, k_chunk);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("cannot read " + path.string());
      }
      if (n == 0) break;
      total += static_cast<std::uint64_t>(n);
      if (total > blob.size) throw Error(ErrorKind::invalid_input, "blob " + blob.digest + " is bigger than its descriptor says");
      w.write(buf, static_cast<std::size_t>(n));
      progress.advance(static_cast<std::uint64_t>(n));
    }
    if (total != blob.size) throw Error(ErrorKind::invalid_input, "blob " + blob.digest + " is smaller than its descriptor says");
    w.commit(blob.digest);
  }

  void get_blob(const std::string& repo, const Descriptor& blob, std::uint64_t offset, const BlobSink& sink,
                const Progress& progress) override {
    const Store store(dir(repo), StoreAccess::read);
    Fd in(::open(store.blob_path(blob.digest).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!in) {
      if (errno == ENOENT) throw Error(ErrorKind::not_found, "the remote has no blob " + blob.digest + " in " + repo);
      throw_errno("cannot read blob " + blob.digest + " of " + dir(repo).string());
    }
    char* const buf = chunk_buffer();
    auto pos = static_cast<off_t>(offset);
    for (;;) {
      check_interrupted();
      const ssize_t n = ::pread(in.get(), buf, k_chunk, pos);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("cannot read blob " + blob.digest + " of " + dir(repo).string());
      }
      if (n == 0) break;
      pos += n;
      sink(buf, static_cast<std::size_t>(n));
      progress.advance(static_cast<std::uint64_t>(n));
    }
  }

  std::optional<Manifest> get_manifest(const std::string& repo, const std::string& reference) override {
    const Store store(dir(repo), StoreAccess::read);
    std::string digest = reference, media_type;
    if (!package::is_digest(reference)) {
      const auto entries = index(store);
      const IndexEntry* e = layout::find_tag(entries, reference);
      if (e == nullptr) return std::nullopt;
      digest = e->descriptor.digest;
      media_type = e->descriptor.media_type;
    }
    const stdfs::path p = store.blob_path(digest);
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return std::nullopt;
    if (static_cast<std::uint64_t>(st.st_size) > k_max_manifest_bytes) {
      throw Error(ErrorKind::invalid_input, "the manifest " + short_digest(digest) + " of " + dir(repo).string() + " is " +
                                                std::to_string(st.st_size) + " bytes, over the " + std::to_string(k_max_manifest_bytes) +
                                                " a manifest may have");
    }
    Manifest m;
    m.bytes = read_bounded(p, k_max_manifest_bytes);
    m.digest = "sha256:" + sha256_hex(m.bytes);
    m.media_type = media_type.empty() ? layout::media_type_of(m.bytes) : media_type;
    return m;
  }

  void put_manifest(const std::string& repo, const Manifest& manifest, const std::string& tag) override {
    Store& store = writable(repo);
    const std::string digest = store.put_blob(manifest.bytes);
    if (digest != manifest.digest) throw Error(ErrorKind::internal, "manifest digest " + manifest.digest + " is not its content's");
    const IndexEntry e = layout::entry_for(manifest, tag);
    store.update_index([&](std::vector<IndexEntry>& entries) { layout::add_entry(entries, e); });
  }

  std::vector<std::string> list_tags(const std::string& repo) override {
    const Store store(dir(repo), StoreAccess::read);
    return layout::tags(index(store), dir(repo).string());
  }

  std::vector<Descriptor> referrers(const std::string& repo, const std::string& digest) override {
    const Store store(dir(repo), StoreAccess::read);
    return layout::referrers(index(store), digest, dir(repo).string());
  }

  std::optional<std::vector<std::string>> list_blobs(const std::string& repo, std::size_t max_entries) override {
    std::vector<std::string> r;
    std::error_code ec;
    for (stdfs::directory_iterator it(dir(repo) / "blobs" / "sha256", ec), end; !ec && it != end; it.increment(ec)) {
      const std::string d = "sha256:" + it->path().filename().string();
      if (!package::is_digest(d)) continue;
      if (r.size() >= max_entries) throw too_many_blobs(repo, max_entries);
      r.push_back(d);
    }
    return r;
  }

  std::optional<std::string> get_file(const std::string& repo, const std::string& rel, std::uint64_t max) override {
    const stdfs::path p = dir(repo) / rel;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return std::nullopt;
    if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::invalid_input, p.string() + " is not a regular file");
    return read_bounded(p, max);
  }

  void put_file(const std::string& repo, const std::string& rel, const std::string& bytes) override {
    const stdfs::path p = dir(repo) / rel;
    stdfs::create_directories(p.parent_path());
    fs::write_file_atomic(p, bytes);
  }

  void delete_blob(const std::string& repo, const std::string& digest) override {
    // The directories between the remote's base (the user named it) and the blob come from
    // whoever wrote the remote: a symbolic link among them would have gc delete elsewhere.
    stdfs::path at = m_location.path;
    for (const stdfs::path& part : stdfs::path(repo) / "blobs" / "sha256") {
      at /= part;
      struct stat st {};
      if (::lstat(at.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        throw Error(ErrorKind::invalid_input, at.string() + " is a symbolic link: nothing is deleted through one");
    }
    const Store store(dir(repo), StoreAccess::read);
    if (::unlink(store.blob_path(digest).c_str()) != 0 && errno != ENOENT) throw_errno("cannot delete " + digest);
  }

 private:
  stdfs::path dir(const std::string& repo) const { return stdfs::path(m_location.path) / repo; }

  static std::string read_bounded(const stdfs::path& p, std::uint64_t max) {
    Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throw_errno("cannot read " + p.string());
    std::string out;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw_errno("cannot read " + p.string());
      }
      if (n == 0) break;
      if (out.size() + static_cast<std::size_t>(n) > max)
        throw Error(ErrorKind::invalid_input, p.string() + " is over " + std::to_string(max) + " bytes");
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

  // index.json, bounded: a layout someone else wrote may hold anything.
  std::vector<IndexEntry> index(const Store& store) const {
    const stdfs::path p = store.root() / "index.json";
    std::error_code ec;
    const auto size = stdfs::file_size(p, ec);
    if (ec) return {};
    if (size > k_max_layout_index_bytes) {
      throw Error(ErrorKind::invalid_input, p.string() + " is " + std::to_string(size) + " bytes, over the " +
                                                std::to_string(k_max_layout_index_bytes) + " mlops reads");
    }
    return layout::parse_index(read_bounded(p, k_max_layout_index_bytes), p.string());
  }

  // The layout opened for writing, created when missing, with the gc lock held shared (as a
  // build holds it) until the backend is closed: `mlops package gc` run on the layout never
  // deletes a blob whose manifest is not written yet.
  Store& writable(const std::string& repo) {
    const std::lock_guard guard(m_mutex);
    auto it = m_writable.find(repo);
    if (it == m_writable.end()) {
      auto w = std::make_unique<Writable>(dir(repo));
      it = m_writable.emplace(repo, std::move(w)).first;
    }
    return it->second->store;
  }

  struct Writable {
    explicit Writable(const stdfs::path& root) : store(root, StoreAccess::write), lock(store.writer_lock()) {}
    Store store;
    package::FileLock lock;
  };

  Location m_location;
  std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<Writable>> m_writable;
};

}  // namespace

std::unique_ptr<Backend> open_file(const Location& location, const Options& options) {
  (void)options;
  if (location.path.empty() || location.path.front() != '/') {
    throw Error(ErrorKind::usage, "a file remote needs an absolute path: file:///PATH");
  }
  return std::make_unique<FileBackend>(location);
}

}  // namespace mlops::remote
