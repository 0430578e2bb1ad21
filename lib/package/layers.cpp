// SPDX-License-Identifier: MIT
#include "package/layers.hpp"

#include "core/fd.hpp"
#include "package/archive_io.hpp"
#include "package/c_libs.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

namespace mlops::package {
namespace {

constexpr std::size_t k_buffer = 1u << 20;

[[noreturn]] void changed(const std::string& rel) {
  throw Error(ErrorKind::invalid_input, rel + " changed while it was being packed",
              "wait until whatever writes it has finished, then build again");
}

int open_source(const stdfs::path& file, const std::string& rel, struct stat& st) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) throw Error(ErrorKind::not_found, rel + " does not exist");
    throw_errno("cannot read " + rel);
  }
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorKind::invalid_input, rel + " is not a regular file");
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return fd;
}

ssize_t read_some(int fd, char* buf, std::size_t n, const std::string& rel) {
  for (;;) {
    const ssize_t got = ::read(fd, buf, n);
    if (got >= 0) return got;
    if (errno != EINTR) throw_errno("cannot read " + rel);
    check_interrupted();
  }
}

// Streams `fd` to `sink` and checks afterwards that the file is still what stat() said
// before: same size, same times, every byte there.
template <class Sink>
std::uint64_t copy_checked(int fd, const struct stat& before, const std::string& rel, std::vector<char>& buf, Sink&& sink) {
  std::uint64_t total = 0;
  for (;;) {
    check_interrupted();
    const ssize_t n = read_some(fd, buf.data(), buf.size(), rel);
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (total > static_cast<std::uint64_t>(before.st_size)) changed(rel);
    sink(buf.data(), static_cast<std::size_t>(n));
  }
  struct stat after {};
  if (::fstat(fd, &after) != 0 || total != static_cast<std::uint64_t>(before.st_size) || !(file_key(after) == file_key(before))) {
    changed(rel);
  }
  return total;
}

}  // namespace

PackedLayer pack_raw(Store& store, DigestCache& cache, const stdfs::path& file, const std::string& rel, const Progress& progress) {
  struct stat st {};
  Fd fd(open_source(file, rel, st));
  const FileKey key = file_key(st);
  PackedLayer out;
  out.size = key.size;
  if (const auto c = cache.file(key); c && blob_stamp(store.blob_path(c->digest), key.size) == c->blob) {
    out.digest = out.diff_id = c->digest;
    out.reused = out.cached = true;
    progress.advance(key.size);
    return out;
  }
  const std::int64_t started = now_ns();
  BlobWriter writer(store);
  std::vector<char> buf(k_buffer);
  out.bytes_read = copy_checked(fd.get(), st, rel, buf, [&](const char* p, std::size_t n) {
    writer.write(p, n);
    progress.advance(n);
  });
  const std::string digest = writer.commit();
  out.digest = out.diff_id = digest;
  out.reused = writer.existed();
  if (const auto stamp = blob_stamp(store.blob_path(digest), key.size)) cache.remember_file(key, CachedFile{digest, *stamp}, started);
  return out;
}

namespace {

// Where the tar stream goes: hashed as the uncompressed diff id, compressed when asked, and
// the result written (and hashed again) into the store.
class TarSink {
 public:
  TarSink(Store& store, const std::string& compression) : m_writer(store), m_compression(compression) {
    if (m_compression == "zstd") {
      m_zstd = ZSTD_createCCtx();
      if (m_zstd == nullptr) throw Error(ErrorKind::internal, "cannot create a zstd context");
      // Single-threaded at a fixed level: the output then depends on the input only.
      ZSTD_CCtx_setParameter(m_zstd, ZSTD_c_compressionLevel, 3);
      ZSTD_CCtx_setParameter(m_zstd, ZSTD_c_checksumFlag, 1);
    } else if (m_compression == "gzip") {
      m_z = std::make_unique<z_stream>();
      // windowBits 15+16: a gzip wrapper whose header has mtime 0 and no name, so it is stable.
      if (deflateInit2(m_z.get(), 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw Error(ErrorKind::internal, "cannot initialise gzip compression");
      }
    }
    m_out.resize(k_buffer);
  }
  ~TarSink() {
    if (m_zstd != nullptr) ZSTD_freeCCtx(m_zstd);
    if (m_z) deflateEnd(m_z.get());
  }
  TarSink(const TarSink&) = delete;
  TarSink& operator=(const TarSink&) = delete;

  void write(const void* data, std::size_t size) {
    m_uncompressed += size;
    if (m_compression == "none") {
      m_writer.write(data, size);
      return;
    }
    m_diff.update(data, size);
    compress(data, size, false);
  }

  PackedLayer finish() {
    PackedLayer out;
    if (m_compression != "none") compress(nullptr, 0, true);
    out.size = m_writer.size();
    out.digest = m_writer.commit();
    out.reused = m_writer.existed();
    out.diff_id = m_compression == "none" ? out.digest : "sha256:" + m_diff.hex();
    return out;
  }

 private:
  void compress(const void* data, std::size_t size, bool end) {
    if (m_zstd != nullptr) {
      ZSTD_inBuffer in{data, size, 0};
      for (;;) {
        ZSTD_outBuffer out{m_out.data(), m_out.size(), 0};
        const size_t left = ZSTD_compressStream2(m_zstd, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
        if (ZSTD_isError(left)) throw Error(ErrorKind::internal, std::string("zstd: ") + ZSTD_getErrorName(left));
        m_writer.write(m_out.data(), out.pos);
        if (end ? left == 0 : in.pos == in.size) break;
      }
      return;
    }
    m_z->next_in = static_cast<Bytef*>(const_cast<void*>(data));
    m_z->avail_in = static_cast<uInt>(size);
    for (;;) {
      m_z->next_out = reinterpret_cast<Bytef*>(m_out.data());
      m_z->avail_out = static_cast<uInt>(m_out.size());
      const int rc = deflate(m_z.get(), end ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_ERROR) throw Error(ErrorKind::internal, "gzip compression failed");
      m_writer.write(m_out.data(), m_out.size() - m_z->avail_out);
      if (end ? rc == Z_STREAM_END : (m_z->avail_in == 0 && m_z->avail_out != 0)) break;
    }
  }

  BlobWriter m_writer;
  std::string m_compression;
  Sha256 m_diff;
  ZSTD_CCtx* m_zstd = nullptr;
  std::unique_ptr<z_stream> m_z;
  std::vector<char> m_out;
  std::uint64_t m_uncompressed = 0;
};

struct WriteContext {
  TarSink* sink;
  std::exception_ptr error;
};

la_ssize_t on_write(struct archive*, void* client, const void* buffer, size_t length) {
  auto* ctx = static_cast<WriteContext*>(client);
  try {
    ctx->sink->write(buffer, length);
    return static_cast<la_ssize_t>(length);
  } catch (...) {
    ctx->error = std::current_exception();
    return -1;
  }
}

std::string layer_key(const std::vector<TarItem>& items, const std::string& compression, bool& racy) {
  Sha256 h;
  h.update("mlops-tar-layer 1 " + compression + "\n");
  const std::int64_t now = now_ns();
  racy = false;
  for (const auto& i : items) {
    h.update(std::to_string(static_cast<int>(i.type)) + " " + std::to_string(i.executable) + " " + i.key.str() + " " +
             std::to_string(i.name.size()) + ":" + i.name + " " + std::to_string(i.target.size()) + ":" + i.target + "\n");
    if (i.type == TarItem::file && (now - i.key.mtime_ns < 100'000'000 || now - i.key.ctime_ns < 100'000'000)) racy = true;
  }
  return h.hex();
}

}  // namespace

std::uint64_t content_bytes(const std::vector<TarItem>& items) {
  std::uint64_t n = 0;
  for (const auto& i : items) n += i.type == TarItem::file ? i.key.size : 0;
  return n;
}

PackedLayer pack_tar(Store& store, DigestCache& cache, const std::vector<TarItem>& items, const std::string& compression,
                     const Progress& progress) {
  bool racy = false;
  const std::string key = layer_key(items, compression, racy);
  if (const auto d = cache.layer(key); d && blob_stamp(store.blob_path(d->digest), d->size) == d->blob) {
    progress.advance(content_bytes(items));
    PackedLayer out;
    out.digest = d->digest;
    out.diff_id = d->diff_id;
    out.size = d->size;
    out.reused = out.cached = true;
    return out;
  }
  TarSink sink(store, compression);
  WriteContext ctx{&sink, nullptr};
  const Utf8Locale utf8;  // names are UTF-8 (the planner checked), whatever the environment says
  ArchiveWritePtr a(archive_write_new());
  ArchiveEntryPtr entry(archive_entry_new());
  if (!a || !entry) throw Error(ErrorKind::internal, "cannot create a tar writer");
  // Anything but ARCHIVE_OK is a failure here: a warning from the writer means a header that
  // is not exactly what we asked for, and a layer must be the same bytes everywhere.
  auto check = [&](int rc, const std::string& what) {
    if (ctx.error) std::rethrow_exception(ctx.error);
    if (rc != ARCHIVE_OK)
      throw Error(ErrorKind::internal, "cannot write the tar layer: " + printable(what) + ": " + archive_message(a.get()));
  };
  check(archive_write_set_format_pax_restricted(a.get()), "tar format");
  check(archive_write_set_bytes_per_block(a.get(), 64 * 1024), "tar block size");
  check(archive_write_set_bytes_in_last_block(a.get(), 1), "tar block size");
  check(archive_write_open2(a.get(), &ctx, nullptr, &on_write, nullptr, nullptr), "tar open");
  PackedLayer out;
  std::vector<char> buf(k_buffer);
  for (const auto& item : items) {
    check_interrupted();
    if (!valid_utf8(item.name) || !valid_utf8(item.target)) {
      throw Error(ErrorKind::invalid_input, printable(item.name) + ": the name is not UTF-8");
    }
    archive_entry_clear(entry.get());
    archive_entry_set_pathname_utf8(entry.get(), item.type == TarItem::directory ? (item.name + "/").c_str() : item.name.c_str());
    archive_entry_set_mtime(entry.get(), 0, 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    switch (item.type) {
      case TarItem::directory:
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
        archive_entry_set_perm(entry.get(), 0755);
        archive_entry_set_size(entry.get(), 0);
        check(archive_write_header(a.get(), entry.get()), item.name);
        break;
      case TarItem::symlink:
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_set_perm(entry.get(), 0777);
        archive_entry_set_size(entry.get(), 0);
        archive_entry_set_symlink_utf8(entry.get(), item.target.c_str());
        check(archive_write_header(a.get(), entry.get()), item.name);
        break;
      case TarItem::file: {
        struct stat st {};
        Fd fd(open_source(item.source, item.name, st));
        if (!(file_key(st) == item.key)) changed(item.name);
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), item.executable ? 0755 : 0644);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(item.key.size));
        check(archive_write_header(a.get(), entry.get()), item.name);
        out.bytes_read += copy_checked(fd.get(), st, item.name, buf, [&](const char* p, std::size_t n) {
          const la_ssize_t w = archive_write_data(a.get(), p, n);
          if (w < 0 || static_cast<std::size_t>(w) != n) check(ARCHIVE_FATAL, item.name);
          progress.advance(n);
        });
        break;
      }
    }
  }
  check(archive_write_close(a.get()), "tar close");
  const PackedLayer done = sink.finish();
  out.digest = done.digest;
  out.diff_id = done.diff_id;
  out.size = done.size;
  out.reused = done.reused;
  if (const auto stamp = blob_stamp(store.blob_path(out.digest), out.size); stamp && !racy) {
    cache.remember_layer(key, LayerDigests{out.digest, out.diff_id, out.size, *stamp});
  }
  return out;
}

}  // namespace mlops::package
