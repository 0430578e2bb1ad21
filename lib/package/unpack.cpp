// SPDX-License-Identifier: MIT
// Safe unpack: a package may come from anywhere (an imported tarball, a registry), so every
// layer is treated as hostile and nothing it says decides where a byte is written until it
// has been checked.
//
// 1. Stage. Each selected blob is streamed once into DIR/.mlops-unpack-XXXXXX (same
//    filesystem, so the final step is a rename), hashed as it is read; tar layers are hashed
//    as libarchive pulls the compressed bytes. Staged entries are flat, numbered files and
//    symlinks: no name from a layer is ever used as a path inside staging.
// 2. Check. The layer's digest (and size) before anything staged from it can move; then the
//    whole plan: duplicates, entries below a file or a symlink of the package, symlinks
//    resolved through each other, and what DIR already holds (a symlink where we would go
//    through it, existing files without `overwrite`).
// 3. Move. Directories are walked one component at a time with O_NOFOLLOW from a descriptor
//    of DIR, so a symlink in DIR is never followed even if it appeared after the check, and
//    staged entries are renamed into place (RENAME_NOREPLACE unless overwriting).
//
// Glob filters are fnmatch(3) patterns without FNM_PATHNAME or FNM_PERIOD: `*` spans '/' and
// matches dot files ("*.py" finds src/pkg/__init__.py). A pattern matching a directory selects
// everything below it ("src" or "src/pkg").
#include "core/log.hpp"
#include "package/archive_io.hpp"
#include "package/c_libs.hpp"
#include "package/diff_ids.hpp"
#include "package/layer_filter.hpp"
#include "package/store.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/package.hpp>

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace mlops::package {
namespace {

constexpr std::size_t k_buffer = 1u << 20;
constexpr int k_max_link_hops = 40;  // the kernel's MAXSYMLINKS
constexpr std::string_view k_staging_prefix = ".mlops-unpack-";
constexpr std::size_t k_conflicts_listed = 5;

// ---- the plan: what will exist in DIR ----

struct Node {
  enum Type { directory, file, symlink } type = directory;
  std::string staged;  // name in the staging directory (file, symlink)
  std::string target;  // symlink
  std::string origin;  // the layer, for messages
  std::uint64_t size = 0;
  bool listed = false;  // a directory entry of a layer, not only a parent of one
};

const char* type_name(Node::Type t) {
  switch (t) {
    case Node::directory: return "directory";
    case Node::file: return "file";
    case Node::symlink: return "symlink";
  }
  return "entry";
}

std::vector<std::string_view> split_path(std::string_view p) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos <= p.size()) {
    auto slash = p.find('/', pos);
    if (slash == std::string_view::npos) slash = p.size();
    if (slash > pos) out.push_back(p.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

std::string short_digest(std::string_view digest) { return std::string(digest.substr(0, 19)); }

class Unpacker {
 public:
  Unpacker(Store& store, const stdfs::path& dir, const UnpackOptions& options)
      : m_store(store), m_dir(dir), m_options(options), m_selection(options.filters), m_buf(k_buffer), m_progress(options.progress) {}

  ~Unpacker() {
    // The staging directory goes first, then whatever was created to hold DIR itself (left
    // empty by a failure; after success the list is empty).
    m_staging.reset();
    m_staging_fd.reset();  // the lock goes last
    m_dir_fd.reset();
    for (const auto& p : m_created) ::rmdir(p.c_str());
  }
  Unpacker(const Unpacker&) = delete;
  Unpacker& operator=(const Unpacker&) = delete;

  UnpackResult run(const IndexEntry& package);

 private:
  struct Layer {
    Descriptor descriptor;
    LayerType type;
    std::string rel;   // the checked filepath annotation
    std::string what;  // for messages
    bool whole = false;
  };

  void open_dir();
  void remove_stale_staging() const;
  Layer parse_layer(const nlohmann::json& j, std::size_t index) const;
  void precheck_existing(const std::vector<Layer>& layers) const;
  [[noreturn]] void existing_files(const std::vector<std::string>& existing) const;
  void raw_layer(const Descriptor& d, const std::string& rel, const std::string& what);
  void tar_layer(const Descriptor& d, const LayerType& t, bool whole, const std::string& what);
  void tar_entries(archive* a, HashingSource& source, bool whole, const std::string& what, std::uint64_t blob_size);
  Fd open_blob(const Descriptor& d, const std::string& what) const;
  Fd create_staged(std::string& name);
  void add(const std::string& rel, Node node);
  void check_links() const;
  void check_dir() const;
  void check_directory(const std::string& rel) const;
  void move();
  Fd open_parent(const std::string& rel);

  Store& m_store;
  stdfs::path m_dir;
  const UnpackOptions& m_options;
  Selection m_selection;
  std::vector<char> m_buf;
  Progress m_progress;
  std::vector<stdfs::path> m_created;  // directories created for DIR itself, deepest first
  // The staging directory, removed (while still locked) when the unpack ends.
  struct Staging {
    explicit Staging(stdfs::path p) : m_path(std::move(p)) {}
    ~Staging() {
      std::error_code ec;
      stdfs::remove_all(m_path, ec);
    }
    Staging(const Staging&) = delete;
    Staging& operator=(const Staging&) = delete;
    const stdfs::path& path() const { return m_path; }

   private:
    stdfs::path m_path;
  };
  std::optional<Staging> m_staging;
  Fd m_dir_fd, m_staging_fd;
  std::size_t m_next = 0;
  std::map<std::string, Node> m_plan;
};

[[noreturn]] void corrupt(const std::string& what, const Descriptor& d, const std::string& why) {
  throw Error(ErrorKind::invalid_input, what + ": the blob " + why + "; nothing was unpacked",
              "the store copy of " + d.digest +
                  " is damaged: 'mlops package verify REF --repair' moves it aside, then a rebuild or re-import makes it anew");
}

void check_blob(const std::string& what, const Descriptor& d, const std::string& digest, std::uint64_t size) {
  if (digest != d.digest) corrupt(what, d, "does not match its digest (its content hashes to " + short_digest(digest) + "…)");
  if (size != d.size) corrupt(what, d, "has " + std::to_string(size) + " bytes where its descriptor says " + std::to_string(d.size));
}

bool executable_from_metadata(const Descriptor& d, const std::string& what) {
  const auto m = d.annotations.find(annotation::file_metadata);
  if (m == d.annotations.end()) return false;
  const auto meta = nlohmann::json::parse(m->get<std::string>(), nullptr, false);
  if (!meta.is_object()) throw Error(ErrorKind::invalid_input, what + ": " + annotation::file_metadata + " is not a JSON object");
  const auto mode = meta.find("mode");
  if (mode == meta.end()) return false;
  if (!mode->is_number_integer())
    throw Error(ErrorKind::invalid_input, what + ": the file mode in " + annotation::file_metadata + " is not an integer");
  // Only the executable bit survives: setuid, sticky and odd permissions are not restored.
  return (mode->get<std::int64_t>() & 0111) != 0;
}

void Unpacker::remove_stale_staging() const {
  std::error_code ec;
  for (stdfs::directory_iterator it(m_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(k_staging_prefix, 0) != 0 || name.rfind(std::string(k_staging_prefix) + "new-", 0) == 0) continue;
    Fd fd(::openat(m_dir_fd.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // not a directory, or its unpack is alive
    std::error_code rm_ec;
    stdfs::remove_all(it->path(), rm_ec);  // flat: numbered files and symlinks, never followed
    if (!rm_ec) log::info("removed {}, left by an unpack that was killed", it->path().string());
  }
}

void Unpacker::open_dir() {
  struct stat st {};
  if (::stat(m_dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) throw Error(ErrorKind::conflict, m_dir.string() + " exists and is not a directory");
  } else {
    if (errno == ENOTDIR) throw Error(ErrorKind::conflict, m_dir.string() + ": a parent of it is not a directory");
    if (errno != ENOENT) throw_errno("cannot inspect " + m_dir.string());
    // Remember what we create, so a failure leaves no empty directories behind.
    for (stdfs::path p = m_dir; !p.empty() && ::lstat(p.c_str(), &st) != 0 && errno == ENOENT; p = p.parent_path()) {
      m_created.push_back(p);
      if (p == p.parent_path()) break;
    }
    std::error_code ec;
    stdfs::create_directories(m_dir, ec);
    if (ec) throw Error(ErrorKind::io, "cannot create " + m_dir.string() + ": " + ec.message());
  }
  m_dir_fd = Fd(::open(m_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!m_dir_fd) throw_errno("cannot open " + m_dir.string());
  remove_stale_staging();
  // Created as .mlops-unpack-new-*, locked, then renamed: a .mlops-unpack-* directory whose
  // lock is free was left by an unpack that died (kill -9), and the next one removes it.
  fs::TempDir fresh(m_dir, std::string(k_staging_prefix) + "new-");
  m_staging_fd = Fd(::open(fresh.path().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!m_staging_fd) throw_errno("cannot open " + fresh.path().string());
  if (::flock(m_staging_fd.get(), LOCK_EX | LOCK_NB) != 0) throw_errno("cannot lock " + fresh.path().string());
  const std::string suffix = fresh.path().filename().string().substr(k_staging_prefix.size() + 4);
  const stdfs::path named = m_dir / (std::string(k_staging_prefix) + suffix);
  if (::rename(fresh.path().c_str(), named.c_str()) != 0) throw_errno("cannot rename " + fresh.path().string());
  fresh.release();
  m_staging.emplace(named);
}

Fd Unpacker::open_blob(const Descriptor& d, const std::string& what) const {
  const stdfs::path p = m_store.blob_path(d.digest);
  Fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) {
      throw Error(ErrorKind::not_found, what + ": blob " + d.digest + " is not in the store " + m_store.root().string(),
                  "re-import or rebuild the package");
    }
    throw_errno("cannot read blob " + d.digest);
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  return fd;
}

Fd Unpacker::create_staged(std::string& name) {
  name = std::to_string(m_next++);
  Fd fd(::openat(m_staging_fd.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) throw_errno("cannot create a file in " + m_staging->path().string());
  return fd;
}

void Unpacker::add(const std::string& rel, Node node) {
  auto bad = [&](const std::string& why) { return Error(ErrorKind::invalid_input, node.origin + ": '" + printable(rel) + "' " + why); };
  if (rel.substr(0, k_staging_prefix.size()) == k_staging_prefix) throw bad("uses the name of mlops' staging directories");
  for (auto slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1)) {
    const std::string parent = rel.substr(0, slash);
    const auto it = m_plan.find(parent);
    if (it == m_plan.end()) {
      m_plan.emplace(parent, Node{Node::directory, "", "", node.origin, 0, false});
    } else if (it->second.type != Node::directory) {
      throw bad("is inside '" + printable(parent) + "', which is a " + type_name(it->second.type) + " in the package");
    }
  }
  const auto it = m_plan.find(rel);
  if (it == m_plan.end()) {
    m_plan.emplace(rel, std::move(node));
    return;
  }
  if (it->second.type == Node::directory && node.type == Node::directory) {
    it->second.listed = true;
    return;
  }
  throw bad("appears twice in the package (as a " + std::string(type_name(it->second.type)) + " and as a " + type_name(node.type) + ")");
}

void Unpacker::raw_layer(const Descriptor& d, const std::string& rel, const std::string& what) {
  const bool executable = executable_from_metadata(d, what);
  Fd in = open_blob(d, what);
  std::string staged;
  Fd out = create_staged(staged);
  Sha256 hash;
  std::uint64_t total = 0;
  for (;;) {
    check_interrupted();
    const std::size_t n = read_some(in.get(), m_buf.data(), m_buf.size(), "blob " + d.digest);
    if (n == 0) break;
    hash.update(m_buf.data(), n);
    total += n;
    if (total > d.size) corrupt(what, d, "is larger than its descriptor says (" + std::to_string(d.size) + " bytes)");
    write_all(out.get(), m_buf.data(), n, rel);
    m_progress.advance(n);
  }
  check_blob(what, d, "sha256:" + hash.hex(), total);
  if (::fchmod(out.get(), executable ? 0755 : 0644) != 0) throw_errno("cannot set the mode of " + rel);
  out.close(rel);
  add(rel, Node{Node::file, staged, "", what, total, false});
}

void Unpacker::tar_entries(archive* a, HashingSource& source, bool whole, const std::string& what, std::uint64_t blob_size) {
  auto fail = [&](const std::string& why) -> Error {
    source.rethrow_if_failed();  // a read error or an interrupt, not the archive's fault
    return Error(ErrorKind::invalid_input, what + ": " + why);
  };
  // What the layer may expand to (its entries' sizes added up before they are written).
  const std::uint64_t limit = blob_size * k_max_expansion_ratio + k_expansion_slack;
  std::uint64_t expanded = 0;
  archive_entry* entry = nullptr;
  for (;;) {
    check_interrupted();
    const int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) break;
    // A warning is a header libarchive had to guess at (a bad pax record, a name it could not
    // convert): from a hostile archive, a guess is not good enough.
    if (rc != ARCHIVE_OK) throw fail("not a valid tar archive: " + archive_message(a));
    const std::string name = entry_pathname(entry, what);
    const std::string rel = safe_entry_path(name, what);
    const std::string entry_what = "'" + printable(name) + "'";
    if (!entry_hardlink(entry, what).empty()) {
      throw fail(entry_what + " is a hard link; only regular files, directories and symlinks are unpacked");
    }
    const bool selected = whole || (!rel.empty() && m_selection.entry(rel));
    switch (archive_entry_filetype(entry)) {
      case AE_IFDIR:
        if (selected && !rel.empty()) add(rel, Node{Node::directory, "", "", what, 0, true});
        break;
      case AE_IFLNK: {
        if (rel.empty()) throw fail(entry_what + " is a symlink in place of the package root");
        const std::string target = entry_symlink(entry, what + ": " + entry_what);
        check_link_target(rel, target, what);
        if (!selected) break;
        std::string staged = std::to_string(m_next++);
        if (::symlinkat(target.c_str(), m_staging_fd.get(), staged.c_str()) != 0)
          throw_errno("cannot create a symlink in " + m_staging->path().string());
        add(rel, Node{Node::symlink, staged, target, what, 0, false});
        break;
      }
      case AE_IFREG: {
        if (rel.empty()) throw fail(entry_what + " is a file in place of the package root");
        const la_int64_t declared = archive_entry_size(entry);
        if (declared < 0) throw fail(entry_what + " has a negative size");
        expanded += static_cast<std::uint64_t>(declared) + 512;
        if (expanded > limit) {
          throw fail("it expands more than " + std::to_string(k_max_expansion_ratio) + " times its size: refused as a decompression bomb");
        }
        if (!selected) {
          if (archive_read_data_skip(a) != ARCHIVE_OK) {
            throw fail(entry_what + " is truncated or damaged: " + archive_message(a));
          }
          break;
        }
        std::string staged;
        Fd out = create_staged(staged);
        std::uint64_t total = 0;
        for (;;) {
          const la_ssize_t n = archive_read_data(a, m_buf.data(), m_buf.size());
          if (n < 0) {
            throw fail(entry_what + " is truncated: its header says " + std::to_string(declared) +
                       " bytes and the archive ends before them (" + archive_message(a) + ")");
          }
          if (n == 0) break;
          total += static_cast<std::uint64_t>(n);
          write_all(out.get(), m_buf.data(), static_cast<std::size_t>(n), rel);
        }
        if (total != static_cast<std::uint64_t>(declared)) {
          throw fail(entry_what + " holds " + std::to_string(total) + " bytes where its header says " + std::to_string(declared));
        }
        // Only the executable bit survives: setuid, sticky and odd permissions are not restored.
        if (::fchmod(out.get(), (archive_entry_perm(entry) & 0111) != 0 ? 0755 : 0644) != 0) throw_errno("cannot set the mode of " + rel);
        out.close(rel);
        add(rel, Node{Node::file, staged, "", what, total, false});
        break;
      }
      case AE_IFCHR: throw fail(entry_what + " is a character device; only regular files, directories and symlinks are unpacked");
      case AE_IFBLK: throw fail(entry_what + " is a block device; only regular files, directories and symlinks are unpacked");
      case AE_IFIFO: throw fail(entry_what + " is a FIFO; only regular files, directories and symlinks are unpacked");
      case AE_IFSOCK: throw fail(entry_what + " is a socket; only regular files, directories and symlinks are unpacked");
      default: throw fail(entry_what + " has an unsupported type; only regular files, directories and symlinks are unpacked");
    }
  }
}

void Unpacker::tar_layer(const Descriptor& d, const LayerType& t, bool whole, const std::string& what) {
  Fd in = open_blob(d, what);
  HashingSource source(in.get(), what, m_progress);
  const Utf8Locale utf8;
  ArchiveReadPtr a(archive_read_new());
  if (!a) throw Error(ErrorKind::internal, "cannot create a tar reader");
  // Only the compression the media type names: a mislabelled blob is an error, not a guess.
  int rc = archive_read_support_format_tar(a.get());
  if (rc == ARCHIVE_OK) {
    if (t.compression == "gzip") rc = archive_read_support_filter_gzip(a.get());
    else if (t.compression == "zstd") rc = archive_read_support_filter_zstd(a.get());
    else rc = archive_read_support_filter_none(a.get());
  }
  if (rc != ARCHIVE_OK) throw Error(ErrorKind::internal, "cannot read " + t.compression + " tar layers: " + archive_message(a.get()));
  try {
    source.open(a.get());
    tar_entries(a.get(), source, whole, what, d.size);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_input) throw;
    // A damaged archive is most often a damaged blob: say that when the digest disagrees.
    check_blob(what, d, source.finish(), source.size());
    throw;
  }
  check_blob(what, d, source.finish(), source.size());
}

Unpacker::Layer Unpacker::parse_layer(const nlohmann::json& j, std::size_t index) const {
  const Descriptor d = parse_descriptor(j, "layer " + std::to_string(index + 1));
  std::string filepath;
  if (const auto f = d.annotations.find(annotation::filepath); f != d.annotations.end()) {
    filepath = f->get<std::string>();
  } else if (const auto title = d.annotations.find(annotation::title); title != d.annotations.end()) {
    filepath = title->get<std::string>();
  }
  const std::string what = "layer '" + printable(filepath) + "' (" + short_digest(d.digest) + ")";
  const auto type = parse_layer_type(d.media_type);
  if (!type) throw Error(ErrorKind::invalid_input, what + " has the unsupported media type " + printable(d.media_type));
  const std::string rel = filepath.empty() ? std::string() : safe_entry_path(filepath, what);
  if (!type->tar && rel.empty()) throw Error(ErrorKind::invalid_input, what + " has no " + annotation::filepath + " annotation");
  return Layer{d, *type, rel, what, m_selection.whole_layer(*type, rel)};
}

// Existing files are reported before the raw layers (the big ones: weights) are staged for
// nothing; tar layers are staged first so the list is complete. check_dir() checks
// everything again afterwards.
void Unpacker::precheck_existing(const std::vector<Layer>& layers) const {
  // A symlink in the way is the graver problem: named first, --force or not.
  std::set<std::string> dirs;
  for (const auto& [rel, node] : m_plan) {
    if (node.type == Node::directory) dirs.insert(rel);
  }
  for (const auto& l : layers) {
    if (l.type.tar) continue;
    for (auto slash = l.rel.find('/'); slash != std::string::npos; slash = l.rel.find('/', slash + 1)) dirs.insert(l.rel.substr(0, slash));
  }
  for (const auto& d : dirs) check_directory(d);
  if (m_options.overwrite) return;
  std::vector<std::string> existing;
  auto exists = [&](const std::string& rel) {
    struct stat st {};
    if (::fstatat(m_dir_fd.get(), rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) existing.push_back(rel);
  };
  for (const auto& [rel, node] : m_plan) {
    if (node.type != Node::directory) exists(rel);
  }
  for (const auto& l : layers) {
    if (!l.type.tar) exists(l.rel);
  }
  std::sort(existing.begin(), existing.end());
  if (!existing.empty()) existing_files(existing);
}

void Unpacker::existing_files(const std::vector<std::string>& existing) const {
  std::string list;
  for (std::size_t i = 0; i < existing.size() && i < k_conflicts_listed; ++i) list += (i ? ", " : "") + printable(existing[i]);
  if (existing.size() > k_conflicts_listed) list += ", ...";
  throw Error(ErrorKind::conflict,
              std::to_string(existing.size()) + (existing.size() == 1 ? " file exists" : " files exist") + " already in " + m_dir.string() +
                  ": " + list,
              "use --force to replace them");
}

// Every symlink resolved through the others (and through the package's own directories),
// as the kernel would once all are in place: one link pointing to "." and another to
// "that/.." escape together although each looks harmless alone.
void Unpacker::check_links() const {
  struct Walker {
    const Unpacker& u;
    int hops = 0;
    // Appends `rel` to `stack` (components from DIR); false when it climbs out of DIR.
    bool walk(std::vector<std::string>& stack, std::string_view rel, const std::string& link) {
      for (const auto part : split_path(rel)) {
        if (part == ".") continue;
        if (part == "..") {
          if (stack.empty()) return false;
          stack.pop_back();
          continue;
        }
        stack.emplace_back(part);
        std::string key;
        for (const auto& s : stack) key += (key.empty() ? "" : "/") + s;
        const auto it = u.m_plan.find(key);
        if (it != u.m_plan.end()) {
          if (it->second.type != Node::symlink) continue;
          if (++hops > k_max_link_hops) {
            throw Error(ErrorKind::invalid_input, it->second.origin + ": symlink '" + printable(link) + "' is part of a symlink loop");
          }
          stack.pop_back();
          if (!walk(stack, it->second.target, link)) return false;
          continue;
        }
        // Not in the package: a symlink already in DIR would take the link who knows where.
        struct stat st {};
        if (::fstatat(u.m_dir_fd.get(), key.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
          throw Error(ErrorKind::conflict,
                      "symlink '" + printable(link) + "' of the package would lead through " + (u.m_dir / key).string() +
                          ", a symlink already there",
                      "unpack into an empty directory");
        }
      }
      return true;
    }
  };
  for (const auto& [rel, node] : m_plan) {
    if (node.type != Node::symlink) continue;
    Walker w{*this};
    std::vector<std::string> stack;
    for (const auto part : split_path(rel)) stack.emplace_back(part);
    stack.pop_back();
    if (!w.walk(stack, node.target, rel)) {
      throw Error(ErrorKind::invalid_input,
                  node.origin + ": symlink '" + printable(rel) + "' -> '" + printable(node.target) + "' points outside the package");
    }
  }
}

// DIR/rel, where the package has a directory: missing, or a real directory.
void Unpacker::check_directory(const std::string& rel) const {
  struct stat st {};
  if (::fstatat(m_dir_fd.get(), rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return;
    throw_errno("cannot inspect " + (m_dir / rel).string());
  }
  const std::string shown = (m_dir / rel).string();
  if (S_ISLNK(st.st_mode))
    throw Error(ErrorKind::conflict, shown + " is a symlink; refusing to write through it", "remove it or unpack elsewhere");
  if (!S_ISDIR(st.st_mode)) throw Error(ErrorKind::conflict, shown + " exists and is not a directory; the package has a directory there");
}

// What DIR holds already: parents must be real directories (never a symlink, even one that
// points somewhere harmless), directories stay directories, and existing files are replaced
// only with `overwrite`.
void Unpacker::check_dir() const {
  std::vector<std::string> existing;
  for (const auto& [rel, node] : m_plan) {
    const std::string shown = (m_dir / rel).string();
    struct stat st {};
    if (::fstatat(m_dir_fd.get(), rel.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) continue;  // a parent is checked as its own entry
      throw_errno("cannot inspect " + shown);
    }
    if (node.type == Node::directory) {
      check_directory(rel);
      continue;
    }
    if (S_ISDIR(st.st_mode))
      throw Error(ErrorKind::conflict, shown + " is a directory; the package has a " + type_name(node.type) + " there");
    existing.push_back(rel);
  }
  if (!existing.empty() && !m_options.overwrite) existing_files(existing);
}

// The directory that will hold `rel`, opened component by component without following a
// symlink, created (0755) where missing.
Fd Unpacker::open_parent(const std::string& rel) {
  Fd cur(::dup(m_dir_fd.get()));
  if (!cur) throw_errno("cannot open " + m_dir.string());
  const auto parts = split_path(rel);
  std::string walked;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string part(parts[i]);
    walked += (walked.empty() ? "" : "/") + part;
    int fd = ::openat(cur.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    bool created = false;
    if (fd < 0 && errno == ENOENT) {
      if (::mkdirat(cur.get(), part.c_str(), 0755) != 0 && errno != EEXIST) throw_errno("cannot create " + (m_dir / walked).string());
      created = true;
      fd = ::openat(cur.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      if (errno == ELOOP || errno == ENOTDIR) {
        throw Error(ErrorKind::conflict, (m_dir / walked).string() + " is a symlink or not a directory; refusing to write through it");
      }
      throw_errno("cannot open " + (m_dir / walked).string());
    }
    cur = Fd(fd);
    if (created && ::fchmod(cur.get(), 0755) != 0) throw_errno("cannot set the mode of " + (m_dir / walked).string());
  }
  return cur;
}

void Unpacker::move() {
  for (const auto& [rel, node] : m_plan) {
    check_interrupted();
    Fd parent = open_parent(rel);
    const std::string leaf(split_path(rel).back());
    const std::string shown = (m_dir / rel).string();
    if (node.type == Node::directory) {
      if (::mkdirat(parent.get(), leaf.c_str(), 0755) == 0) {
        Fd made(::openat(parent.get(), leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!made || ::fchmod(made.get(), 0755) != 0) throw_errno("cannot set the mode of " + shown);
        continue;
      }
      if (errno != EEXIST) throw_errno("cannot create " + shown);
      Fd there(::openat(parent.get(), leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!there) throw Error(ErrorKind::conflict, shown + " is a symlink or not a directory; refusing to write through it");
      continue;
    }
    int rc = ::renameat2(m_staging_fd.get(), node.staged.c_str(), parent.get(), leaf.c_str(), m_options.overwrite ? 0 : RENAME_NOREPLACE);
    if (rc != 0 && errno == EINVAL && !m_options.overwrite) {
      // A filesystem without RENAME_NOREPLACE: the check just before is the best we can do.
      struct stat st {};
      if (::fstatat(parent.get(), leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) errno = EEXIST;
      else rc = ::renameat(m_staging_fd.get(), node.staged.c_str(), parent.get(), leaf.c_str());
    }
    if (rc != 0) {
      if (errno == EEXIST) throw Error(ErrorKind::conflict, shown + " appeared while unpacking", "use --force to replace it");
      throw_errno("cannot move " + rel + " into " + m_dir.string());
    }
  }
}

UnpackResult Unpacker::run(const IndexEntry& package) {
  const std::string text = m_store.read_blob(package.descriptor.digest);
  const auto manifest = nlohmann::json::parse(text, nullptr, false);
  const std::string mwhat = "manifest " + short_digest(package.descriptor.digest);
  if (!manifest.is_object()) throw Error(ErrorKind::invalid_input, mwhat + " is not a JSON object");
  if (const auto mt = manifest.find("mediaType"); mt != manifest.end() && *mt != media::manifest) {
    throw Error(ErrorKind::invalid_input, mwhat + " is not an OCI image manifest");
  }
  const auto layers = manifest.find("layers");
  if (layers == manifest.end() || !layers->is_array()) throw Error(ErrorKind::invalid_input, mwhat + " has no layers array");

  std::vector<Layer> selected;
  for (std::size_t i = 0; i < layers->size(); ++i) {
    Layer l = parse_layer((*layers)[i], i);
    if (l.whole || (l.type.tar && m_selection.has_globs())) selected.push_back(std::move(l));
  }
  open_dir();
  std::uint64_t total = 0;
  for (const auto& l : selected) total += l.descriptor.size;
  m_progress.phase("unpacking", total);
  for (const auto& l : selected) {
    if (!l.type.tar) continue;
    m_progress.item(l.rel.empty() ? short_digest(l.descriptor.digest) : l.rel);
    tar_layer(l.descriptor, l.type, l.whole, l.what);
  }
  precheck_existing(selected);
  for (const auto& l : selected) {
    if (l.type.tar) continue;
    m_progress.item(l.rel);
    raw_layer(l.descriptor, l.rel, l.what);
  }
  if (!m_selection.everything() && m_plan.empty()) {
    std::string list;
    for (const auto& f : m_options.filters) list += (list.empty() ? "" : " ") + f;
    throw Error(ErrorKind::not_found, "nothing in " + package.descriptor.digest.substr(0, 19) + " matches --filter " + list,
                "filters: model, datasets, code, docs or a glob on package paths ('*' spans directories)");
  }
  check_links();
  check_dir();
  // One syncfs for every staged file instead of an fsync each: the data is on disk before
  // any name points at it.
  if (::syncfs(m_staging_fd.get()) != 0) throw_errno("cannot sync " + m_staging->path().string());
  move();
  fs::fsync_dir(m_dir);

  UnpackResult result;
  for (const auto& [rel, node] : m_plan) {
    if (node.type == Node::directory) continue;
    ++result.files;
    result.bytes += node.size;
    result.paths.push_back(rel);
  }
  m_created.clear();  // success: keep DIR
  return result;
}

}  // namespace

UnpackResult unpack(const stdfs::path& store_root, const std::string& ref, const stdfs::path& dir, const UnpackOptions& options) {
  Store store(store_root, StoreAccess::read);
  const IndexEntry package = store.resolve(ref);
  Unpacker unpacker(store, dir, options);
  return unpacker.run(package);
}

}  // namespace mlops::package
