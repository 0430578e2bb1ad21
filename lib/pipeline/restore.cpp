// SPDX-License-Identifier: MIT
#include "pipeline/restore.hpp"

#include "core/log.hpp"
#include "core/sha256.hpp"
#include "pipeline/data.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>

namespace mlops::pipeline {
namespace {

constexpr std::uint64_t k_max_manifest = 256u << 20;

struct Entry {
  std::string path, sha256;
  std::uint64_t size = 0;
  bool exec = false;
};

bool hex64(const std::string& s) { return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos; }

// The entries of a directory manifest, or nullopt when it holds something we do not restore:
// the one check `data checkout` and a pull apply (a blob may come from anywhere: a name twice
// or a file inside another file is refused before anything is written).
std::optional<std::vector<Entry>> entries(const package::Store& store, const std::string& hex) {
  std::string text;
  try {
    text = store.read_blob("sha256:" + hex, k_max_manifest);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::interrupted) throw;
    return std::nullopt;
  }
  std::vector<DirEntry> es;
  if (!manifest_entries_ok(text, es)) return std::nullopt;
  std::vector<Entry> r;
  r.reserve(es.size());
  for (DirEntry& e : es) r.push_back(Entry{std::move(e.path), std::move(e.sha256), e.size, e.exec});
  return r;
}

std::string temp_name(const stdfs::path& dest) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return "." + dest.filename().string() + ".mlops-restore-" + std::to_string(rng() % 1000000000);
}

// Copies the blob to `dest` (created exclusively), checking its sha256 and size.
void copy_blob(const package::Store& store, const std::string& hex, std::uint64_t size, const stdfs::path& dest, bool exec) {
  const stdfs::path src = store.blob_path("sha256:" + hex);
  const int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw Error(ErrorKind::not_found, "blob sha256:" + hex + " is not in the store " + store.root().string());
  const int out = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, exec ? 0755 : 0644);
  if (out < 0) {
    ::close(in);
    throw_errno("cannot create " + dest.string());
  }
  Sha256 h;
  std::uint64_t total = 0;
  std::vector<char> buf(std::size_t{1} << 20);
  bool ok = true;
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    h.update(buf.data(), static_cast<std::size_t>(n));
    total += static_cast<std::uint64_t>(n);
    for (std::size_t off = 0; off < static_cast<std::size_t>(n);) {
      const ssize_t w = ::write(out, buf.data() + off, static_cast<std::size_t>(n) - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        ok = false;
        break;
      }
      off += static_cast<std::size_t>(w);
    }
    if (!ok) break;
  }
  ::close(in);
  const bool closed = ::close(out) == 0;
  if (!ok || !closed) {
    ::unlink(dest.c_str());
    throw Error(ErrorKind::io, "cannot copy blob sha256:" + hex + " to " + dest.string());
  }
  if (total != size || h.hex() != hex) {
    ::unlink(dest.c_str());
    throw Error(ErrorKind::invalid_input, "blob sha256:" + hex + " in the store " + store.root().string() + " is corrupt",
                "'mlops package verify' and gc repair the store; the stage will run again");
  }
}

struct RemoveOnError {
  stdfs::path p;
  ~RemoveOnError() {
    if (!p.empty()) {
      std::error_code ec;
      stdfs::remove_all(p, ec);
    }
  }
};

}  // namespace

bool restorable(const package::Store& store, const LockedPath& out) {
  if (!out.nfiles) return store.has_blob("sha256:" + out.sha256, out.size);
  if (!store.has_blob("sha256:" + out.sha256)) return false;
  const auto es = entries(store, out.sha256);
  if (!es || es->size() != *out.nfiles) return false;
  for (const Entry& e : *es)
    if (!store.has_blob("sha256:" + e.sha256, e.size)) return false;
  return true;
}

void restore(const package::Store& store, const stdfs::path& root, const LockedPath& out) {
  const stdfs::path dest = root / out.path;
  stdfs::create_directories(dest.parent_path());
  const stdfs::path tmp = dest.parent_path() / temp_name(dest);
  RemoveOnError guard{tmp};
  if (!out.nfiles) {
    copy_blob(store, out.sha256, out.size, tmp, false);
  } else {
    const auto es = entries(store, out.sha256);
    if (!es) throw Error(ErrorKind::invalid_input, "the manifest of " + out.path + " (sha256:" + out.sha256 + ") cannot be restored");
    stdfs::create_directory(tmp);
    for (const Entry& e : *es) {
      const stdfs::path f = tmp / e.path;
      stdfs::create_directories(f.parent_path());
      copy_blob(store, e.sha256, e.size, f, e.exec);
    }
  }
  std::error_code ec;
  stdfs::remove_all(dest, ec);
  if (ec) throw Error(ErrorKind::io, "cannot replace " + dest.string() + ": " + ec.message());
  stdfs::rename(tmp, dest);
  guard.p.clear();
}

bool run_cache_eligible(const Stage& s) {
  if (s.cmd.empty() || s.deps.empty() || s.outs.empty() || s.always_changed) return false;
  for (const Out& o : s.outs)
    if ((!o.cache && !o.metric) || o.persist) return false;  // uncached metrics are stored for the run cache (small)
  return true;
}

std::string run_key(const Stage& s, const LockEntry& inputs) {
  nlohmann::json deps = nlohmann::json::array(), outs = nlohmann::json::array();
  for (const LockedPath& d : inputs.deps) deps.push_back({{"path", d.path}, {"sha256", d.sha256}});
  for (const Out& o : s.outs) outs.push_back(o.path);
  const nlohmann::json doc = {{"format", 1},  {"cmd", inputs.cmd},       {"wdir", s.wdir}, {"env", inputs.env},
                              {"deps", deps}, {"params", inputs.params}, {"outs", outs}};
  return sha256_hex(doc.dump());
}

namespace {
stdfs::path entry_path(const package::Store& store, const std::string& key) { return store.state_dir() / "runs" / key.substr(0, 2) / key; }
}  // namespace

std::optional<std::vector<LockedPath>> run_cache_get(const package::Store& store, const std::string& key) {
  std::string text;
  try {
    text = fs::read_regular_file(entry_path(store, key), 16u << 20);
  } catch (const Error&) {
    return std::nullopt;
  }
  try {
    const auto doc = nlohmann::json::parse(text);
    std::vector<LockedPath> r;
    for (const auto& o : doc.at("outs")) {
      LockedPath p{o.at("path").get<std::string>(), o.at("sha256").get<std::string>(), o.at("size").get<std::uint64_t>(), std::nullopt};
      if (o.contains("nfiles")) p.nfiles = o.at("nfiles").get<std::uint64_t>();
      if (!hex64(p.sha256)) return std::nullopt;
      r.push_back(std::move(p));
    }
    return r;
  } catch (const nlohmann::json::exception&) {
    log::debug("pipeline: run cache entry {} is damaged; ignored", key);
    return std::nullopt;
  }
}

void run_cache_put(const package::Store& store, const std::string& key, const std::vector<LockedPath>& outs) {
  nlohmann::json arr = nlohmann::json::array();
  for (const LockedPath& o : outs) {
    nlohmann::json e = {{"path", o.path}, {"sha256", o.sha256}, {"size", o.size}};
    if (o.nfiles) e["nfiles"] = *o.nfiles;
    arr.push_back(std::move(e));
  }
  const stdfs::path p = entry_path(store, key);
  stdfs::create_directories(p.parent_path());
  fs::write_file_atomic(p, nlohmann::json{{"format", 1}, {"outs", arr}}.dump() + "\n");
}

}  // namespace mlops::pipeline
