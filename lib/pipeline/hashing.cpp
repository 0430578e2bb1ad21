// SPDX-License-Identifier: MIT
#include "pipeline/hashing.hpp"

#include "core/log.hpp"
#include "core/sha256.hpp"

#include <mlops/error.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace mlops::pipeline {
namespace {

struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Hasher::Hasher(stdfs::path cache_file) : m_cache(std::move(cache_file)) { m_cache.load(); }

void Hasher::save() { m_cache.save(); }

std::string Hasher::file_digest(const stdfs::path& path, const struct stat& st, package::Store* store) {
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

std::string Hasher::manifest(const stdfs::path& dir, package::Store* store, std::uint64_t& size, std::uint64_t& nfiles) {
  std::vector<std::pair<std::string, stdfs::path>> files;
  std::error_code ec;
  stdfs::recursive_directory_iterator it(dir, stdfs::directory_options::none, ec), end;
  if (ec) throw Error(ErrorKind::io, "cannot list " + dir.string() + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error(ErrorKind::io, "cannot list " + dir.string() + ": " + ec.message());
    const auto st = it->symlink_status(ec);
    if (stdfs::is_directory(st) || ec) continue;
    files.emplace_back(it->path().lexically_relative(dir).generic_string(), it->path());
  }
  std::sort(files.begin(), files.end());
  nlohmann::json entries = nlohmann::json::array();
  size = 0;
  nfiles = 0;
  for (const auto& [rel, full] : files) {
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) continue;  // removed meanwhile
    nlohmann::json e = {{"path", rel}};
    if (S_ISLNK(st.st_mode)) {
      e["symlink"] = stdfs::read_symlink(full, ec).string();
    } else if (S_ISREG(st.st_mode)) {
      e["sha256"] = file_digest(full, st, store);
      e["size"] = static_cast<std::uint64_t>(st.st_size);
      e["mode"] = (st.st_mode & S_IXUSR) ? "0755" : "0644";
      size += static_cast<std::uint64_t>(st.st_size);
    } else {
      continue;  // sockets, FIFOs: no content to speak of
    }
    ++nfiles;
    entries.push_back(std::move(e));
  }
  return nlohmann::json{{"mediaType", k_dir_media_type}, {"entries", std::move(entries)}}.dump();
}

std::optional<Digest> Hasher::digest(const stdfs::path& path, package::Store* store) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw_errno("cannot stat " + path.string());
  }
  Digest d;
  if (S_ISDIR(st.st_mode)) {
    const std::string m = manifest(path, store, d.size, d.nfiles);
    d.dir = true;
    d.sha256 = store ? store->put_blob(m).substr(7) : sha256_hex(m);
    return d;
  }
  if (!S_ISREG(st.st_mode)) throw Error(ErrorKind::invalid_input, path.string() + " is neither a file nor a directory");
  d.size = static_cast<std::uint64_t>(st.st_size);
  d.sha256 = file_digest(path, st, store);
  return d;
}

std::optional<Digest> Hasher::hash(const stdfs::path& path) { return digest(path, nullptr); }
std::optional<Digest> Hasher::store(const stdfs::path& path, package::Store& store) { return digest(path, &store); }

}  // namespace mlops::pipeline
