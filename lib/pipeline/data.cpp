// SPDX-License-Identifier: MIT
// mlops data add|status|unprotect and the data part of checkout: PATH.mlops pointers over the
// store's blobs. The data never leaves its place until the store holds it: a file goes into
// the store as a reflink or a hard link of itself (one inode or shared extents: no copy), else
// as a copy, and the pointer is written last, so a kill at any point loses nothing and the next
// `data add` completes.
#include "pipeline/data.hpp"

#include "core/fd.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "core/worker_pool.hpp"
#include "core/yaml_limits.hpp"
#include "git/index_file.hpp"
#include "git/refs_files.hpp"
#include "pipeline/decide.hpp"
#include "pipeline/hashing.hpp"
#include "pipeline/stages.hpp"

#include <mlops/data.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

namespace mlops::pipeline {
namespace {

bool data_hex64(const std::string& s) { return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos; }

// A relative path in normal form (no empty, "." or ".." component; a trailing '/' is allowed, as
// lexically_normal() leaves it), at most 4096 bytes, no control character, not in .git. Checked
// component by component in one pass: comparing with lexically_normal(), as this did, took
// 10 ms for one deep 4 KiB name (libstdc++ rebuilds the path at every component), so a
// manifest of them took minutes.
bool data_safe_rel(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.size() > 4096) return false;
  for (unsigned char c : p)
    if (c < 0x20 || c == 0x7f) return false;
  for (std::size_t begin = 0;;) {
    const std::size_t slash = p.find('/', begin);
    const std::string_view part = p.substr(begin, slash == std::string_view::npos ? std::string_view::npos : slash - begin);
    if (part == "." || part == ".." || (begin == 0 && part == ".git")) return false;
    if (slash == std::string_view::npos) return true;
    if (slash == begin) return false;  // "//"
    begin = slash + 1;
    if (begin == p.size()) return true;  // "a/"
  }
}

// What YAML (yaml-cpp) reads as a null when it is written plain.
bool yaml_null_spelling(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

std::string data_random() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::to_string(rng() % 1000000000000ull);
}

// Hashes what `fd` holds from its start.
std::string hash_fd(int fd, std::uint64_t& size) {
  Sha256 h;
  std::vector<char> buf(std::size_t{1} << 20);
  size = 0;
  for (off_t pos = 0;;) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), pos);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read");
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
    pos += n;
    size += static_cast<std::uint64_t>(n);
  }
  return h.hex();
}

bool same_content_stat(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec && a.st_ino == b.st_ino &&
         a.st_dev == b.st_dev;
}

void copy_fd(int in, int out, const std::string& what) {
  std::vector<char> buf(std::size_t{1} << 20);
  for (off_t pos = 0;;) {
    const ssize_t n = ::pread(in, buf.data(), buf.size(), pos);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("cannot read " + what);
    if (n == 0) return;
    for (ssize_t off = 0; off < n;) {
      const ssize_t w = ::write(out, buf.data() + off, static_cast<std::size_t>(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) throw_errno("cannot write a copy of " + what);
      off += w;
    }
    pos += n;
  }
}

enum class Link { none, reflink, hardlink, copy };

// A hard link shares one inode between the workspace and the store, kept safe only by mode
// 0444: root (any euid 0) writes through that, so as root data is reflinked or copied.
bool hardlink_allowed() { return ::geteuid() != 0; }
const char* link_name(Link l) { return l == Link::reflink ? "reflink" : l == Link::hardlink ? "hardlink" : "copy"; }

// Puts the file `src` (stat `st`) into the store without moving it from its place: a reflink
// (shared extents), else a hard link when the file has no other name and is not executable
// (the inode becomes the blob, read-only), else a copy. The bytes are hashed from the store's
// side, and the file must not change while that happens. Returns the hex digest.
std::string ingest_file(package::Store& store, const stdfs::path& src, const struct stat& st, Link& how) {
  const stdfs::path tmp = store.ingest_dir() / ("data-" + data_random());
  std::error_code ec;
  stdfs::create_directories(store.ingest_dir(), ec);
  Fd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!in) throw_errno("cannot read " + src.string());
  struct stat before {};
  if (::fstat(in.get(), &before) != 0 || !S_ISREG(before.st_mode) || !same_content_stat(before, st))
    throw Error(ErrorKind::io, src.string() + " changed while it was added", "add it again once nothing writes to it");
  struct Unlink {
    const stdfs::path& p;
    bool armed = true;
    ~Unlink() {
      if (armed) ::unlink(p.c_str());
    }
  } cleanup{tmp};
  Fd blob(::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
  if (!blob) throw_errno("cannot write into the store " + store.root().string());
  how = Link::copy;
  if (::ioctl(blob.get(), FICLONE, in.get()) == 0) {
    how = Link::reflink;
  } else if (st.st_nlink == 1 && !(st.st_mode & 0111) && hardlink_allowed()) {
    blob.reset();
    ::unlink(tmp.c_str());
    if (::link(src.c_str(), tmp.c_str()) == 0) {
      how = Link::hardlink;
      blob = Fd(::open(tmp.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
      if (!blob) throw_errno("cannot read " + tmp.string());
    } else {
      blob = Fd(::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0444));
      if (!blob) throw_errno("cannot write into the store " + store.root().string());
    }
  }
  if (how == Link::copy) copy_fd(in.get(), blob.get(), src.string());
  std::uint64_t size = 0;
  const std::string hex = hash_fd(blob.get(), size);
  struct stat after {};
  if (::fstat(in.get(), &after) != 0 || !same_content_stat(after, st) || size != static_cast<std::uint64_t>(st.st_size))
    throw Error(ErrorKind::io, src.string() + " changed while it was added", "add it again once nothing writes to it");
  if (how == Link::hardlink) {
    // The one inode is now the store's blob too: read-only, so an edit cannot reach it.
    if (::fchmod(in.get(), 0444) != 0) log::debug("data: cannot make {} read-only", src.string());
  } else if (package::durable_blobs()) {
    ::fsync(blob.get());
  }
  const stdfs::path dest = store.blob_path("sha256:" + hex);
  stdfs::create_directories(dest.parent_path(), ec);
  if (::rename(tmp.c_str(), dest.c_str()) != 0) throw_errno("cannot store a blob in " + store.root().string());
  // rename() between two names of one inode does nothing: the temporary name may remain.
  ::unlink(tmp.c_str());
  cleanup.armed = false;
  return hex;
}

// Makes `tmp` hold the blob `hex` (checked against it first): reflink, else a hard link of
// the (read-only) blob when `exec` is not wanted, else a copy.
void place_blob(const package::Store& store, const std::string& hex, std::uint64_t size, const stdfs::path& tmp, bool exec) {
  const stdfs::path src = store.blob_path("sha256:" + hex);
  Fd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!in) throw Error(ErrorKind::not_found, "blob sha256:" + hex + " is not in the store " + store.root().string());
  std::uint64_t got = 0;
  if (hash_fd(in.get(), got) != hex || got != size)
    throw Error(ErrorKind::invalid_input, "blob sha256:" + hex + " in the store " + store.root().string() + " is corrupt",
                "'mlops cache fsck' lists corrupt blobs; 'mlops cache pull' fetches good copies");
  if (!exec && hardlink_allowed() && ::link(src.c_str(), tmp.c_str()) == 0) {
    ::fchmod(in.get(), 0444);
    return;
  }
  Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, exec ? 0755 : 0644));
  if (!out) throw_errno("cannot create " + tmp.string());
  if (::ioctl(out.get(), FICLONE, in.get()) != 0) copy_fd(in.get(), out.get(), src.string());
  if (::fsync(out.get()) != 0) throw_errno("cannot write " + tmp.string());
}

stdfs::path restore_temp(const stdfs::path& dest) {
  return dest.parent_path() / ("." + dest.filename().string() + ".mlops-restore-" + data_random());
}

struct DataRemoveAll {
  stdfs::path p;
  ~DataRemoveAll() {
    if (!p.empty()) {
      std::error_code ec;
      stdfs::remove_all(p, ec);
    }
  }
};

// Puts `out` at project/out.path from the store: built beside it, then renamed over it.
void place(const package::Store& store, const stdfs::path& project, const LockedPath& out) {
  const stdfs::path dest = project / out.path;
  stdfs::create_directories(dest.parent_path());
  const stdfs::path tmp = restore_temp(dest);
  DataRemoveAll guard{tmp};
  if (!out.nfiles) {
    place_blob(store, out.sha256, out.size, tmp, false);
  } else {
    const auto es = dir_entries(store, out.sha256);
    if (!es || es->size() != *out.nfiles) throw Error(ErrorKind::invalid_input, "the manifest of " + out.path + " cannot be restored");
    stdfs::create_directory(tmp);
    for (const DirEntry& e : *es) {
      check_interrupted();
      const stdfs::path f = tmp / e.path;
      stdfs::create_directories(f.parent_path());
      place_blob(store, e.sha256, e.size, f, e.exec);
    }
  }
  std::error_code ec;
  stdfs::remove_all(dest, ec);
  if (ec) throw Error(ErrorKind::io, "cannot replace " + dest.string() + ": " + ec.message());
  stdfs::rename(tmp, dest);
  guard.p.clear();
}

bool has_all(const package::Store& store, const LockedPath& out) {
  if (!out.nfiles) return store.has_blob("sha256:" + out.sha256, out.size);
  const auto es = dir_entries(store, out.sha256);
  if (!es || es->size() != *out.nfiles) return false;
  for (const DirEntry& e : *es)
    if (!store.has_blob("sha256:" + e.sha256, e.size)) return false;
  return true;
}

void add_gitignore(const stdfs::path& dir, const std::string& name) {
  const stdfs::path gi = dir / ".gitignore";
  struct stat st {};
  std::string text;
  if (::lstat(gi.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::usage, gi.string() + " is not a regular file; not changed", "make it one");
    text = fs::read_regular_file(gi, 16u << 20);
  }
  std::string entry = "/" + name;
  // git drops a pattern's unescaped trailing spaces: each is written as "\ ".
  const std::size_t body = entry.find_last_not_of(' ') + 1;
  std::string escaped;
  for (std::size_t i = 0; i < entry.size(); ++i) {
    const char c = entry[i];
    if (std::string("\\*?[").find(c) != std::string::npos || (c == '#' && escaped.size() == 1) || (c == '!' && escaped.size() == 1) ||
        i >= body)
      escaped += '\\';
    escaped += c;
  }
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line == escaped) return;
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += escaped + "\n";
  fs::write_file_atomic(gi, text);
}

// The absolute, symlink-free place of `path`, checked: inside the project, not .git, not
// the project, not a file of ours.
stdfs::path resolve_data_path(const stdfs::path& project, const stdfs::path& path) {
  const stdfs::path root = stdfs::canonical(project);
  const stdfs::path abs = stdfs::absolute(path).lexically_normal();
  const stdfs::path name = abs.filename().empty() ? abs.parent_path().filename() : abs.filename();
  const stdfs::path parent = abs.filename().empty() ? abs.parent_path().parent_path() : abs.parent_path();
  std::error_code ec;
  const stdfs::path real_parent = stdfs::canonical(parent, ec);
  if (ec) throw Error(ErrorKind::not_found, "no such file or directory: " + escape_controls(path.string()));
  const stdfs::path p = real_parent / name;
  if (!fs::is_within(root, p) || p == root)
    throw Error(ErrorKind::usage, escape_controls(path.string()) + " is not inside the project " + root.string());
  const std::string rel = p.lexically_relative(root).generic_string();
  if (!data_safe_rel(rel))
    throw Error(ErrorKind::usage, escape_controls(path.string()) + " cannot be versioned (it is in .git or not a plain path)");
  try {
    (void)nlohmann::json(rel).dump();
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorKind::usage, escape_controls(rel) + " is not a UTF-8 name; mlops cannot version it");
  }
  if (rel.ends_with(k_pointer_suffix) || rel == "mlops.yaml" || rel == "mlops.lock" || name == ".gitignore")
    throw Error(ErrorKind::usage, escape_controls(rel) + " is a file of mlops or git; it stays in git");
  return p;
}

// A file added before is a hard link of its blob already (nlink 2): nothing to store, and no
// copy (a file with other names is never linked into the store, so it would be copied).
std::string ingest_or_known(package::Store& store, Hasher& hasher, const stdfs::path& src, const struct stat& st, Link& how) {
  if (st.st_nlink > 1) {
    if (const auto d = hasher.hash(src)) {
      struct stat b {};
      if (::stat(store.blob_path("sha256:" + d->sha256).c_str(), &b) == 0 && b.st_ino == st.st_ino && b.st_dev == st.st_dev) {
        how = Link::hardlink;
        return d->sha256;
      }
    }
  }
  return ingest_file(store, src, st, how);
}

// What the workspace holds at a pointer's path: a symlink there (a cloned repository may
// commit one, to / even) is never followed nor hashed; it counts as a change in no store.
std::optional<Digest> workspace_digest(Hasher& hasher, const stdfs::path& full) {
  struct stat st {};
  if (::lstat(full.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return Digest{};
  return hasher.hash(full);
}

// One name once, and no name inside another's (a file "a" and "a/b" cannot both exist): the
// names become a tree of their components, each name walked once, so the check is linear in
// the manifest's size. (Looking up every prefix of every name, as this did, copied and compared
// each prefix: quadratic in a name's length, minutes for a manifest of deep 4 KiB names.)
bool names_form_a_tree(const std::vector<DirEntry>& entries) {
  struct Child {
    std::size_t parent;
    std::string_view name;
    bool operator==(const Child&) const = default;
  };
  struct ChildHash {
    std::size_t operator()(const Child& c) const noexcept { return std::hash<std::string_view>{}(c.name) * 31 + c.parent; }
  };
  std::unordered_map<Child, std::size_t, ChildHash> children;  // node 0 is the root
  std::vector<char> is_file{0}, has_children{0};
  for (const DirEntry& e : entries) {
    const std::string_view path = e.path;
    std::size_t node = 0;
    for (std::size_t begin = 0;;) {
      if (is_file[node]) return false;  // a file's name is a directory of this one
      const std::size_t slash = path.find('/', begin);
      const std::string_view part = path.substr(begin, slash == std::string_view::npos ? std::string_view::npos : slash - begin);
      has_children[node] = 1;
      const auto [it, added] = children.try_emplace(Child{node, part}, is_file.size());
      if (added) {
        is_file.push_back(0);
        has_children.push_back(0);
      }
      node = it->second;
      if (slash == std::string_view::npos) break;
      begin = slash + 1;
    }
    if (is_file[node] || has_children[node]) return false;  // named twice, or a directory of another
    is_file[node] = 1;
  }
  return true;
}

}  // namespace

std::string pointer_text(const LockedPath& out) {
  std::string t = "# Data versioned by mlops: commit this file, not the data (mlops data add; docs/formats.md)\nschema: 1\nouts:\n";
  const std::string name = stdfs::path(out.path).filename().string();
  // A plain YAML scalar where that reads back as itself (not a null: `path: null` is no name),
  // else a double-quoted (JSON) string.
  const bool plain = !name.empty() && name.front() != '-' && !yaml_null_spelling(name) &&
                     name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos;
  t += "  - path: " + (plain ? name : nlohmann::json(name).dump()) + "\n";
  t += "    sha256: " + out.sha256 + "\n";
  t += "    size: " + std::to_string(out.size) + "\n";
  if (out.nfiles) t += "    nfiles: " + std::to_string(*out.nfiles) + "\n";
  return t;
}

bool manifest_entries_ok(const std::string& text, std::vector<DirEntry>& r) {
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("entries") || !doc["entries"].is_array()) return false;
  if (doc["entries"].size() > k_max_data_files) return false;
  for (const auto& e : doc["entries"]) {
    if (!e.is_object() || !e.contains("path") || !e["path"].is_string() || !e.contains("sha256") || !e["sha256"].is_string() ||
        !e.contains("size") || !e["size"].is_number_unsigned())
      return false;  // a symlink, or not ours
    DirEntry x{e["path"].get<std::string>(), e["sha256"].get<std::string>(), e["size"].get<std::uint64_t>(),
               e.contains("mode") && e["mode"] == "0755"};
    if (!data_safe_rel(x.path) || !data_hex64(x.sha256) || x.size > (1ull << 40)) return false;
    r.push_back(std::move(x));
  }
  return names_form_a_tree(r);
}

std::optional<std::vector<DirEntry>> dir_entries(const package::Store& store, const std::string& hex) {
  std::string text;
  try {
    text = store.read_blob("sha256:" + hex, 256u << 20);
  } catch (const Error&) {
    return std::nullopt;
  }
  std::vector<DirEntry> r;
  if (!manifest_entries_ok(text, r)) return std::nullopt;
  return r;
}

void clean_restore_temps(const stdfs::path& dest) {
  const std::string prefix = "." + dest.filename().string() + ".mlops-restore-";
  std::error_code ec;
  for (stdfs::directory_iterator it(dest.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
    const std::string n = it->path().filename().string();
    if (n.starts_with(prefix) && n.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
      std::error_code rm;
      stdfs::remove_all(it->path(), rm);
      log::debug("removed {} (left by a checkout that was killed)", it->path().string());
    }
  }
}

Pointer read_pointer(const stdfs::path& project, const stdfs::path& file) {
  return parse_pointer(project, file, fs::read_regular_file(file, k_max_pointer_bytes));
}

Pointer parse_pointer(const stdfs::path& project, const stdfs::path& file, const std::string& text) {
  const std::string where = file.lexically_relative(project).generic_string();
  const auto bad = [&](int line, const std::string& what) {
    return Error(ErrorKind::invalid_input, escape_controls(where) + ":" + std::to_string(line) + ": " + what,
                 "a pointer is written by 'mlops data add'; restore it from git");
  };
  YAML::Node doc;
  try {
    doc = yaml::load(text, where);
  } catch (const YAML::Exception& e) {
    throw bad(e.mark.line + 1, "not YAML");
  }
  if (!doc.IsMap()) throw bad(1, "not a data pointer");
  const auto line = [](const YAML::Node& n) { return n.Mark().line + 1; };
  const YAML::Node schema = doc["schema"];
  if (!schema || !schema.IsScalar() || schema.Scalar() != "1") throw bad(schema ? line(schema) : 1, "schema must be 1");
  for (const auto& kv : doc) {
    const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (k != "schema" && k != "outs") throw bad(line(kv.first), "unknown key '" + escape_controls(k) + "'");
  }
  const YAML::Node outs = doc["outs"];
  if (!outs || !outs.IsSequence() || outs.size() != 1) throw bad(outs ? line(outs) : 1, "outs must list exactly one path");
  const YAML::Node o = outs[0];
  if (!o.IsMap()) throw bad(line(o), "an entry of outs must be a mapping");
  Pointer p;
  p.file = file;
  const std::string own = file.filename().string();
  const std::string name = own.substr(0, own.size() - std::string(k_pointer_suffix).size());
  std::optional<std::uint64_t> nfiles;
  const auto number = [&](const YAML::Node& n, std::uint64_t max, const std::string& key) {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos) throw bad(line(n), key + " must be a number");
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v > max)
      throw bad(line(n), key + " " + s + " is beyond what mlops accepts (" + std::to_string(max) + ")");
    return v;
  };
  bool have_path = false, have_sha = false, have_size = false;
  for (const auto& kv : o) {
    const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
    const YAML::Node& v = kv.second;
    if (k == "path") {
      // Data named null, Null or NULL: earlier versions wrote the name plain, which YAML reads
      // as a null, not as the name; such a pointer still names its own data.
      const bool old_null = v.IsNull() && yaml_null_spelling(name);
      if (!old_null && (!v.IsScalar() || v.Scalar() != name))
        throw bad(line(v), "path must be '" + escape_controls(name) + "', the pointer's own name without .mlops");
      have_path = true;
    } else if (k == "sha256") {
      if (!v.IsScalar() || !data_hex64(v.Scalar())) throw bad(line(v), "sha256 must be 64 lowercase hex digits");
      p.out.sha256 = v.Scalar();
      have_sha = true;
    } else if (k == "size") {
      p.out.size = number(v, k_max_data_size, "size");
      have_size = true;
    } else if (k == "nfiles") {
      nfiles = number(v, k_max_data_files, "nfiles");
    } else {
      throw bad(line(kv.first), "unknown key '" + escape_controls(k) + "'");
    }
  }
  if (!have_path || !have_sha || !have_size) throw bad(line(o), "an entry needs path, sha256 and size");
  if (!nfiles && p.out.size > (1ull << 40)) throw bad(line(o), "size is beyond what mlops accepts for a file (1 TiB)");
  const std::string rel = (file.parent_path() / name).lexically_relative(project).generic_string();
  if (!data_safe_rel(rel)) throw bad(line(o), "the data's path cannot be versioned");
  p.out.path = rel;
  p.out.nfiles = nfiles;
  return p;
}

std::vector<Pointer> find_pointers(const stdfs::path& project) {
  std::vector<Pointer> r;
  std::vector<stdfs::path> dirs{project};
  while (!dirs.empty()) {
    const stdfs::path d = dirs.back();
    dirs.pop_back();
    std::error_code ec;
    std::vector<stdfs::path> here;
    for (stdfs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) here.push_back(it->path());
    std::set<std::string> names;
    for (const auto& p : here) names.insert(p.filename().string());
    for (const auto& p : here) {
      const std::string n = p.filename().string();
      if (d == project && n == ".git") continue;
      const auto st = stdfs::symlink_status(p, ec);
      if (ec) continue;
      if (stdfs::is_directory(st)) {
        if (!names.count(n + k_pointer_suffix)) dirs.push_back(p);  // a data directory: not searched
      } else if (stdfs::is_regular_file(st) && n.size() > 6 && n.ends_with(k_pointer_suffix)) {
        r.push_back(read_pointer(project, p));
      }
    }
  }
  std::sort(r.begin(), r.end(), [](const Pointer& a, const Pointer& b) { return a.out.path < b.out.path; });
  return r;
}

std::vector<LockedPath> workspace_refs(const stdfs::path& project) {
  std::vector<LockedPath> r;
  const LockFile lock = read_lock(project);
  for (const auto& [name, e] : lock.stages)
    for (const LockedPath& o : e.outs) r.push_back(o);
  for (Pointer& p : find_pointers(project)) r.push_back(std::move(p.out));
  return r;
}

std::vector<std::string> expand(const package::Store& store, const std::vector<LockedPath>& outs) {
  std::vector<std::string> r;
  for (const LockedPath& o : outs) {
    r.push_back(o.sha256);
    if (!o.nfiles) continue;
    if (const auto es = dir_entries(store, o.sha256))
      for (const DirEntry& e : *es) r.push_back(e.sha256);
  }
  std::sort(r.begin(), r.end());
  r.erase(std::unique(r.begin(), r.end()), r.end());
  return r;
}

void write_pins(const package::Store& store, const stdfs::path& project, const std::string& kind, const std::vector<std::string>& digests) {
  std::string text = "mlops-pins 1\nproject " + project.string() + "\n";
  for (const std::string& d : digests) text += d + "\n";
  const stdfs::path dir = store.state_dir() / "pins";
  const stdfs::path path = dir / (sha256_hex(project.string()).substr(0, 32) + "." + kind);
  // Unchanged pins are not written again: every repro that ran a stage comes here, and a
  // rewrite costs a file and a directory sync.
  std::error_code ec;
  if (stdfs::is_regular_file(path, ec)) {
    try {
      if (fs::read_file(path, text.size() + 1) == text) return;
    } catch (const std::exception&) {  // unreadable: written again below
    }
  }
  stdfs::create_directories(dir);
  fs::write_file_atomic(path, text);
}

void pin_lock(const stdfs::path& project, const stdfs::path& store_root) {
  try {
    // No store, no blob to keep: a pipeline whose outputs are all `cache: false` does not
    // create one.
    std::error_code ec;
    if (!stdfs::exists(store_root, ec)) return;
    std::vector<LockedPath> outs;
    for (const auto& [name, e] : read_lock(project).stages)
      for (const LockedPath& o : e.outs) outs.push_back(o);
    const package::Store store(store_root, package::StoreAccess::write);
    write_pins(store, stdfs::canonical(project), "lock", expand(store, outs));
  } catch (const std::exception& e) {
    log::warn("the store does not know which blobs mlops.lock names ({}); 'mlops package gc' may delete them", e.what());
  }
}

namespace {

void pin_data(const package::Store& store, const stdfs::path& project) {
  std::vector<LockedPath> outs;
  for (Pointer& p : find_pointers(project)) outs.push_back(std::move(p.out));
  write_pins(store, stdfs::canonical(project), "data", expand(store, outs));
}

// Stage outputs are the pipeline's: data add must not take one over.
void refuse_stage_output(const stdfs::path& project, const std::string& rel) {
  std::error_code ec;
  if (!stdfs::exists(project / "mlops.yaml", ec)) return;
  Pipeline p;
  try {
    p = load_pipeline(project);
  } catch (const Error&) {
    return;  // a broken pipeline is repro's business
  }
  for (const Stage& s : p.stages)
    for (const Out& o : s.outs)
      if (o.path == rel || rel.starts_with(o.path + "/") || o.path.starts_with(rel + "/"))
        throw Error(ErrorKind::usage,
                    escape_controls(rel) + " is (or holds) output " + escape_controls(o.path) + " of stage '" + s.name + "'",
                    "stage outputs are versioned by mlops.lock; 'mlops data add' is for data no stage makes");
}

// Data git already tracks would be in git twice over once added: the pointer, and the bytes
// git keeps committing (the .gitignore entry does not untrack a tracked file). Read from the
// index file, without libgit2: data add stays cheap.
void refuse_tracked(const stdfs::path& p, const std::string& shown, bool dir) {
  const auto repo = git::find_repo_dirs(p.parent_path());
  if (!repo) return;
  std::error_code ec;
  const stdfs::path work = stdfs::canonical(repo->workdir, ec);
  if (ec || !fs::is_within(work, p)) return;
  const std::string rel = p.lexically_relative(work).generic_string();
  git::IndexFile index;
  try {
    index = git::read_index(repo->worktree_gitdir / "index");
  } catch (const Error& e) {
    log::debug("data add: the git index was not read ({}); not checked for tracked files", e.what());
    return;
  }
  const auto it = std::lower_bound(index.entries.begin(), index.entries.end(), rel,
                                   [](const git::IndexEntry& e, const std::string& r) { return e.path < r; });
  // Sorted bytewise: every path starting with rel ("a", "a-b", "a/x") is in one run from here.
  bool tracked = false;
  for (auto i = it; i != index.entries.end() && !tracked && i->path.starts_with(rel); ++i)
    tracked = i->path.size() == rel.size() || i->path[rel.size()] == '/';
  if (!tracked) return;
  std::string quoted = shown;
  if (quoted.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/") != std::string::npos) {
    std::string q = "'";
    for (char c : shown) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    quoted = q + "'";
  }
  throw Error(ErrorKind::usage, escape_controls(shown) + (dir ? " holds files git tracks" : " is tracked by git") + "; not added",
              "untrack it first: git rm " + std::string(dir ? "-r " : "") + "--cached " + escape_controls(quoted) +
                  " (the file stays), then 'mlops data add' it");
}

}  // namespace

DataAddResult data_add(const stdfs::path& project_in, const stdfs::path& path, const stdfs::path& store_root) {
  const stdfs::path project = stdfs::canonical(project_in);
  const stdfs::path p = resolve_data_path(project, path);
  const std::string rel = p.lexically_relative(project).generic_string();
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) throw Error(ErrorKind::not_found, "no such file or directory: " + escape_controls(path.string()));
  if (S_ISLNK(st.st_mode))
    throw Error(ErrorKind::usage, escape_controls(rel) + " is a symbolic link", "add what it points to, inside the project");
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    throw Error(ErrorKind::usage, escape_controls(rel) + " is neither a file nor a directory");
  refuse_stage_output(project, rel);
  refuse_tracked(p, path.string(), S_ISDIR(st.st_mode));
  package::Store store(store_root, package::StoreAccess::write);
  const package::FileLock guard = store.writer_lock();  // gc waits until the pointer names the blobs
  Hasher hasher(state_dir(project) / "digests");
  DataAddResult r;
  r.path = rel;
  r.pointer = rel + k_pointer_suffix;
  std::set<Link> links;
  std::mutex m;
  if (S_ISREG(st.st_mode)) {
    Link how = Link::none;
    r.sha256 = ingest_or_known(store, hasher, p, st, how);
    r.size = static_cast<std::uint64_t>(st.st_size);
    links.insert(how);
  } else {
    r.dir = true;
    std::vector<std::pair<std::string, stdfs::path>> files;
    std::error_code ec;
    stdfs::recursive_directory_iterator it(p, stdfs::directory_options::none, ec), end;
    if (ec) throw Error(ErrorKind::io, "cannot list " + p.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) throw Error(ErrorKind::io, "cannot list " + p.string() + ": " + ec.message());
      const auto s = it->symlink_status(ec);
      if (stdfs::is_directory(s)) continue;
      const std::string fr = it->path().lexically_relative(p).generic_string();
      if (!stdfs::is_regular_file(s))
        throw Error(ErrorKind::usage, escape_controls(rel + "/" + fr) + " is not a regular file (a symlink, FIFO or device)",
                    "a versioned directory holds regular files only");
      try {
        (void)nlohmann::json(fr).dump();
      } catch (const nlohmann::json::exception&) {
        throw Error(ErrorKind::usage, escape_controls(rel + "/" + fr) + " is not a UTF-8 name; mlops cannot version it");
      }
      if (!data_safe_rel(fr)) throw Error(ErrorKind::usage, escape_controls(rel + "/" + fr) + ": a name mlops cannot version");
      files.emplace_back(fr, it->path());
    }
    if (files.size() > k_max_data_files) throw Error(ErrorKind::usage, rel + " holds more than 10,000,000 files");
    std::sort(files.begin(), files.end());
    std::vector<nlohmann::json> entries(files.size());
    parallel_for(files.size(), [&](std::size_t i, unsigned) {
      struct stat fs_ {};
      if (::lstat(files[i].second.c_str(), &fs_) != 0 || !S_ISREG(fs_.st_mode))
        throw Error(ErrorKind::io, files[i].second.string() + " changed while it was added");
      Link how = Link::none;
      const std::string hex = ingest_or_known(store, hasher, files[i].second, fs_, how);
      entries[i] = {{"path", files[i].first},
                    {"sha256", hex},
                    {"size", static_cast<std::uint64_t>(fs_.st_size)},
                    {"mode", (fs_.st_mode & S_IXUSR) ? "0755" : "0644"}};
      const std::lock_guard g(m);
      links.insert(how);
    });
    nlohmann::json arr = nlohmann::json::array();
    for (auto& e : entries) {
      r.size += e["size"].get<std::uint64_t>();
      arr.push_back(std::move(e));
    }
    r.nfiles = files.size();
    const std::string manifest = nlohmann::json{{"mediaType", k_dir_media_type}, {"entries", std::move(arr)}}.dump();
    r.sha256 = store.put_blob(manifest).substr(7);
  }
  r.link = links.size() == 1 ? link_name(*links.begin()) : links.empty() ? "copy" : "mixed";
  check_interrupted();
  LockedPath out{rel, r.sha256, r.size, r.dir ? std::optional<std::uint64_t>(r.nfiles) : std::nullopt};
  fs::write_file_atomic(project / r.pointer, pointer_text(out));
  add_gitignore(p.parent_path(), p.filename().string());
  pin_data(store, project);
  try {
    stdfs::create_directories(state_dir(project));
    hasher.save();
  } catch (const std::exception&) {  // derived data
  }
  return r;
}

std::vector<DataState> data_status(const stdfs::path& project_in, const stdfs::path& store_root) {
  const stdfs::path project = stdfs::canonical(project_in);
  const package::Store store(store_root, package::StoreAccess::read);
  const stdfs::path state = state_dir(project);
  Hasher hasher(state / "digests");
  std::vector<DataState> r;
  for (const Pointer& p : find_pointers(project)) {
    const auto now = workspace_digest(hasher, project / p.out.path);
    std::string s = !now ? "missing" : now->sha256 != p.out.sha256 ? "modified" : "unchanged";
    if (s == "unchanged" && !has_all(store, p.out)) s = "not in store";
    r.push_back(DataState{p.out.path, s});
  }
  try {
    stdfs::create_directories(state);
    hasher.save();
  } catch (const std::exception&) {
  }
  return r;
}

std::size_t data_unprotect(const stdfs::path& project_in, const stdfs::path& path) {
  const stdfs::path project = stdfs::canonical(project_in);
  const stdfs::path p = resolve_data_path(project, path);
  std::vector<stdfs::path> files;
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) throw Error(ErrorKind::not_found, "no such file or directory: " + escape_controls(path.string()));
  if (S_ISREG(st.st_mode)) {
    files.push_back(p);
  } else if (S_ISDIR(st.st_mode)) {
    std::error_code ec;
    for (stdfs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec))
      if (it->symlink_status(ec).type() == stdfs::file_type::regular) files.push_back(it->path());
  } else {
    throw Error(ErrorKind::usage, escape_controls(path.string()) + " is neither a file nor a directory");
  }
  std::size_t n = 0;
  for (const stdfs::path& f : files) {
    struct stat fs_ {};
    if (::lstat(f.c_str(), &fs_) != 0) continue;
    // A private copy whatever the link: a reflink is already private, but read-only.
    const stdfs::path tmp = restore_temp(f);
    DataRemoveAll guard{tmp};
    Fd in(::open(f.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!in) throw_errno("cannot read " + f.string());
    const mode_t mode = (fs_.st_mode & 0111) ? 0755 : 0644;
    Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!out) throw_errno("cannot create " + tmp.string());
    if (::ioctl(out.get(), FICLONE, in.get()) != 0) copy_fd(in.get(), out.get(), f.string());
    if (::fchmod(out.get(), mode) != 0 || ::fsync(out.get()) != 0) throw_errno("cannot write " + tmp.string());
    if (::rename(tmp.c_str(), f.c_str()) != 0) throw_errno("cannot replace " + f.string());
    guard.p.clear();
    ++n;
  }
  return n;
}

DataCheckoutResult data_checkout(const stdfs::path& project_in, const stdfs::path& store_root, bool force, const std::string& remote_hint) {
  const stdfs::path project = stdfs::canonical(project_in);
  const package::Store store(store_root, package::StoreAccess::read);
  const stdfs::path state = state_dir(project);
  Hasher hasher(state / "digests");
  DataCheckoutResult r;
  std::vector<LockedPath> todo;
  std::vector<std::string> unsaved;
  for (const Pointer& p : find_pointers(project)) {
    clean_restore_temps(project / p.out.path);
    const auto now = workspace_digest(hasher, project / p.out.path);
    if (now && now->sha256 == p.out.sha256) {
      r.unchanged.push_back(p.out.path);
      continue;
    }
    if (!has_all(store, p.out))
      throw Error(ErrorKind::not_found,
                  "data " + escape_controls(p.out.path) + " (sha256:" + p.out.sha256 + ") is not in the store " + store_root.string(),
                  remote_hint.empty() ? "add a remote ('mlops remote add') that has it and run 'mlops cache pull REMOTE'"
                                      : "run 'mlops cache pull " + remote_hint + "' to fetch it");
    if (now && !force &&
        (now->sha256.empty() ||  // a symlink: what it leads to is in no store
         !has_all(store, LockedPath{p.out.path, now->sha256, now->size, now->dir ? std::optional(now->nfiles) : std::nullopt})))
      unsaved.push_back(p.out.path);
    todo.push_back(p.out);
  }
  if (!unsaved.empty()) {
    std::string list;
    for (const std::string& u : unsaved) list += (list.empty() ? "" : ", ") + escape_controls(u);
    throw Error(ErrorKind::conflict, "checkout would overwrite changes to " + list + " that are in no store; nothing changed",
                "'mlops data add' them to keep them, or 'mlops checkout --force' to discard them");
  }
  for (const LockedPath& out : todo) {
    place(store, project, out);
    r.restored.push_back(out.path);
  }
  try {
    stdfs::create_directories(state);
    hasher.save();
  } catch (const std::exception&) {
  }
  return r;
}

}  // namespace mlops::pipeline
