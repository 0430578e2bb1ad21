// SPDX-License-Identifier: MIT
#include "drift/byte_source.hpp"

#include "core/fd.hpp"
#include "drift/c_libs.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace mlops::drift {
namespace {

constexpr std::size_t k_in_chunk = std::size_t{1} << 20;

// A file descriptor, with the first bytes read ahead to look for a magic number.
class FdSource final : public ByteSource {
 public:
  FdSource(Fd fd, int raw, std::string name, std::uint64_t size = 0)
      : m_fd(std::move(fd)), m_raw(raw), m_name(std::move(name)), m_size(size) {}
  std::uint64_t size_hint() const override { return m_size; }

  std::size_t read(char* out, std::size_t size) override {
    if (m_peek_pos < m_peek.size()) {
      const std::size_t n = std::min(size, m_peek.size() - m_peek_pos);
      std::memcpy(out, m_peek.data() + m_peek_pos, n);
      m_peek_pos += n;
      return n;
    }
    return read_fd(out, size);
  }

  const std::string& peek(std::size_t n) {
    while (m_peek.size() < n) {
      char buf[16];
      const std::size_t got = read_fd(buf, std::min(sizeof buf, n - m_peek.size()));
      if (got == 0) break;
      m_peek.append(buf, got);
    }
    return m_peek;
  }
  const std::string& name() const { return m_name; }

 private:
  std::size_t read_fd(char* out, std::size_t size) {
    for (;;) {
      check_interrupted();
      const ssize_t n = ::read(m_raw, out, size);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) throw_errno("cannot read " + m_name);
    }
  }

  Fd m_fd;  // owns the descriptor (empty for standard input)
  int m_raw;
  std::string m_name;
  std::uint64_t m_size;
  std::string m_peek;
  std::size_t m_peek_pos = 0;
};

class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<FdSource> in) : m_in(std::move(in)), m_buf(k_in_chunk) {
    std::memset(&m_z, 0, sizeof m_z);
    if (inflateInit2(&m_z, 15 + 16) != Z_OK) throw Error(ErrorKind::internal, "cannot initialise gzip decompression");
  }
  ~GzipSource() override { inflateEnd(&m_z); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  std::size_t read(char* out, std::size_t size) override {
    if (m_done) return 0;
    m_z.next_out = reinterpret_cast<Bytef*>(out);
    m_z.avail_out = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    while (m_z.avail_out == static_cast<uInt>(std::min<std::size_t>(size, 1u << 30))) {
      if (m_z.avail_in == 0) {
        const std::size_t n = m_in->read(m_buf.data(), m_buf.size());
        if (n == 0) {
          if (!m_member_done) bad("the gzip stream ends early");
          m_done = true;
          break;
        }
        m_z.next_in = reinterpret_cast<Bytef*>(m_buf.data());
        m_z.avail_in = static_cast<uInt>(n);
      }
      if (m_member_done) {  // another gzip member follows (concatenated files)
        if (inflateReset(&m_z) != Z_OK) bad("not a valid gzip stream");
        m_member_done = false;
      }
      const int rc = inflate(&m_z, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        m_member_done = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        bad(m_z.msg != nullptr ? std::string("corrupt gzip data: ") + m_z.msg : std::string("corrupt gzip data"));
      }
    }
    return static_cast<std::size_t>(reinterpret_cast<char*>(m_z.next_out) - out);
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    throw Error(ErrorKind::invalid_input, m_in->name() + ": " + what, "check the file with gzip -t");
  }
  std::unique_ptr<FdSource> m_in;
  std::vector<char> m_buf;
  z_stream m_z;
  bool m_member_done = false;
  bool m_done = false;
};

class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<FdSource> in) : m_in(std::move(in)), m_buf(k_in_chunk), m_ctx(ZSTD_createDCtx()) {
    if (m_ctx == nullptr) throw Error(ErrorKind::internal, "cannot initialise zstd decompression");
  }
  ~ZstdSource() override { ZSTD_freeDCtx(m_ctx); }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  std::size_t read(char* out, std::size_t size) override {
    ZSTD_outBuffer o{out, size, 0};
    while (o.pos == 0 && !m_done) {
      if (m_input.pos == m_input.size) {
        const std::size_t n = m_in->read(m_buf.data(), m_buf.size());
        if (n == 0) {
          if (m_last != 0) bad("the zstd stream ends early");
          m_done = true;
          break;
        }
        m_input = ZSTD_inBuffer{m_buf.data(), n, 0};
      }
      m_last = ZSTD_decompressStream(m_ctx, &o, &m_input);
      if (ZSTD_isError(m_last) != 0) bad(std::string("corrupt zstd data: ") + ZSTD_getErrorName(m_last));
    }
    return o.pos;
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    throw Error(ErrorKind::invalid_input, m_in->name() + ": " + what, "check the file with zstd -t");
  }
  std::unique_ptr<FdSource> m_in;
  std::vector<char> m_buf;
  ZSTD_DCtx* m_ctx;
  ZSTD_inBuffer m_input{nullptr, 0, 0};
  std::size_t m_last = 0;
  bool m_done = false;
};

}  // namespace

std::unique_ptr<ByteSource> open_source(const std::string& path) {
  std::unique_ptr<FdSource> raw;
  if (path == "-") {
    raw = std::make_unique<FdSource>(Fd(), STDIN_FILENO, "standard input");
  } else {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT || errno == ENOTDIR)
        throw Error(ErrorKind::not_found, "no such file: " + path, "give the path of a CSV file, or - for standard input");
      throw_errno("cannot open " + path);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw_errno("cannot read " + path);
    if (S_ISDIR(st.st_mode)) throw Error(ErrorKind::usage, path + " is a directory, not a CSV file");
    const int raw_fd = fd.get();
    raw = std::make_unique<FdSource>(std::move(fd), raw_fd, path, S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0);
  }
  const std::string& head = raw->peek(4);
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b)
    return std::make_unique<GzipSource>(std::move(raw));
  if (head.size() >= 4 && head == std::string("\x28\xb5\x2f\xfd", 4)) return std::make_unique<ZstdSource>(std::move(raw));
  return raw;
}

}  // namespace mlops::drift
