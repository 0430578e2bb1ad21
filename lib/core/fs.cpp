// SPDX-License-Identifier: MIT
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include "core/fd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace mlops::fs {
void fsync_dir(const stdfs::path& dir) {
  Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw_errno("cannot open directory " + dir.string());
  if (::fsync(fd.get()) != 0 && errno != EINVAL) throw_errno("cannot sync directory " + dir.string());
}

void write_file_atomic(const stdfs::path& path, std::string_view data, stdfs::perms mode, bool durable) {
  const stdfs::path dir = path.has_parent_path() ? path.parent_path() : stdfs::path(".");
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  Fd fd(::mkostemp(buf.data(), O_CLOEXEC));
  if (fd.get() < 0) throw_errno("cannot create a temporary file in " + dir.string());
  const stdfs::path tmp(buf.data());
  try {
    if (::fchmod(fd.get(), static_cast<mode_t>(mode)) != 0) throw_errno("cannot chmod " + tmp.string());
    write_all(fd.get(), data.data(), data.size(), tmp.string());
    if (durable && ::fsync(fd.get()) != 0) throw_errno("cannot sync " + tmp.string());
    if (::close(fd.release()) != 0) throw_errno("cannot close " + tmp.string());
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw_errno("cannot rename into " + path.string());
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  if (durable) fsync_dir(dir);
}

OutputTarget output_target(const stdfs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw Error(ErrorKind::conflict, path.string() + " is a directory", "name the file to write");
    if (!S_ISREG(st.st_mode)) return {OutputTarget::Kind::stream, path};
  }
  // Follow the links one at a time: one that passes through /proc (/dev/stdout, /dev/fd/N) names
  // an open file description, whose file a rename would not reach, so it is written in place.
  stdfs::path p = path;
  for (int hops = 0; hops < 40; ++hops) {
    if (p.lexically_normal().string().rfind("/proc/", 0) == 0) return {OutputTarget::Kind::stream, path};
    std::error_code ec;
    if (!stdfs::is_symlink(stdfs::symlink_status(p, ec)) || ec) break;
    const stdfs::path next = stdfs::read_symlink(p, ec);
    if (ec) break;
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
  return {OutputTarget::Kind::replace, p.lexically_normal()};
}

int open_output_stream(const stdfs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot write " + path.string());
  return fd;
}

void write_output_file(const stdfs::path& path, std::string_view data) {
  const OutputTarget t = output_target(path);
  if (t.kind == OutputTarget::Kind::replace) {
    write_file_atomic(t.path, data);
    return;
  }
  Fd fd(open_output_stream(t.path));
  write_all(fd.get(), data.data(), data.size(), t.path.string());
  fd.close(t.path.string());
}

namespace {

// O_NONBLOCK so that opening a FIFO without a writer returns at once; blocking again for the
// reads (a FIFO without a writer then reads as end of file).
Fd open_for_reading(const stdfs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) throw_errno("cannot read " + path.string());
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) throw_errno("cannot read " + path.string());
  return fd;
}

std::string read_all(const Fd& fd, const stdfs::path& path, std::size_t max_bytes) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot read " + path.string());
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      throw Error(ErrorKind::invalid_input, path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace

std::string read_file(const stdfs::path& path) { return read_all(open_for_reading(path), path, std::string().max_size()); }

std::string read_file(const stdfs::path& path, std::size_t max_bytes) { return read_all(open_for_reading(path), path, max_bytes); }

std::string read_regular_file(const stdfs::path& path, std::size_t max_bytes) {
  const Fd fd = open_for_reading(path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno("cannot read " + path.string());
  if (!S_ISREG(st.st_mode)) {
    throw Error(ErrorKind::invalid_input,
                path.string() + " is not a regular file (" +
                    (S_ISFIFO(st.st_mode)  ? "a FIFO"
                     : S_ISDIR(st.st_mode) ? "a directory"
                                           : "a device or socket") +
                    ")",
                "mlops reads it as a project file; make it a plain file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    throw Error(ErrorKind::invalid_input, path.string() + " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return read_all(fd, path, max_bytes);
}

TempDir::TempDir(const stdfs::path& parent, std::string_view prefix) {
  stdfs::path base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = (tmp && *tmp) ? tmp : "/tmp";
  }
  std::string tmpl = (base / (std::string(prefix) + "XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) throw_errno("cannot create a temporary directory in " + base.string());
  m_path = buf.data();
}

TempDir::TempDir(TempDir&& other) noexcept : m_path(std::move(other.m_path)) { other.m_path.clear(); }

TempDir::~TempDir() {
  if (m_path.empty()) return;
  std::error_code ec;
  stdfs::remove_all(m_path, ec);  // best effort: a destructor must not throw
}

bool is_within(const stdfs::path& base, const stdfs::path& p) {
  const stdfs::path b = base.lexically_normal();
  const stdfs::path q = p.lexically_normal();
  auto bi = b.begin(), qi = q.begin();
  for (; bi != b.end(); ++bi, ++qi) {
    if (bi->empty() && std::next(bi) == b.end()) return true;  // base ends with '/'
    if (qi == q.end() || *bi != *qi) return false;
  }
  for (; qi != q.end(); ++qi) {
    if (*qi == "..") return false;
  }
  return true;
}

}  // namespace mlops::fs
