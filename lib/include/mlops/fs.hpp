// SPDX-License-Identifier: MIT
#pragma once

#include <mlops/api.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace mlops::fs {

namespace stdfs = std::filesystem;

// Writes `data` to a temporary file in the same directory, fsyncs it, renames it over
// `path` and fsyncs the directory: readers see the old file or the new one, never a torn one.
// `durable` false skips the fsyncs, for derived files that are checked when read.
MLOPS_API void write_file_atomic(const stdfs::path& path, std::string_view data, stdfs::perms mode = stdfs::perms(0644),
                                 bool durable = true);

// A path the user named for output (-o FILE, an export's FILE), written as the user means it:
// a device, FIFO or socket (/dev/null, a terminal, a pipe) and a link through /proc
// (/dev/stdout on a file) get the bytes in place, appended (stream); renaming over them would
// replace the node itself (as root, /dev/null with a regular file) or miss the open file. Other
// symlinks are followed, so the link stays and its target is replaced atomically (replace, with
// `path` resolved). A directory is Error{conflict}. Anything else is replaced atomically.
struct OutputTarget {
  enum class Kind { replace, stream } kind = Kind::replace;
  stdfs::path path;
};
MLOPS_API OutputTarget output_target(const stdfs::path& path);
// Opens a Stream target for writing (O_APPEND, no O_CREAT); the caller closes the fd.
MLOPS_API int open_output_stream(const stdfs::path& path);
// write_file_atomic for a Replace target, a write in place for a Stream one.
MLOPS_API void write_output_file(const stdfs::path& path, std::string_view data);

// Whole file into memory; Error{not_found} or Error{io}. A FIFO nobody writes reads as
// empty instead of blocking the open.
MLOPS_API std::string read_file(const stdfs::path& path);
// The same, stopping with Error{invalid_input} beyond `max_bytes` (/dev/zero never ends).
MLOPS_API std::string read_file(const stdfs::path& path, std::size_t max_bytes);

// A file mlops finds on its own in a project (params files, mlops.yaml, metrics): only a
// regular file (through symlinks) of at most `max_bytes`; a FIFO, a device (/dev/zero never
// ends) or a bigger file is Error{invalid_input} naming it.
MLOPS_API std::string read_regular_file(const stdfs::path& path, std::size_t max_bytes);

// A directory that is removed with everything in it when the object dies, unless released.
class MLOPS_API TempDir {
 public:
  // Creates `<parent>/<prefix>XXXXXX`. With an empty parent, under $TMPDIR or /tmp.
  explicit TempDir(const stdfs::path& parent = {}, std::string_view prefix = "mlops-");
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const stdfs::path& path() const noexcept { return m_path; }
  void release() noexcept { m_path.clear(); }  // keep the directory

 private:
  stdfs::path m_path;
};

// fsync a directory so a rename inside it survives a crash.
MLOPS_API void fsync_dir(const stdfs::path& dir);

// True if the lexically normalised `p` is `base` or lies below it.
MLOPS_API bool is_within(const stdfs::path& base, const stdfs::path& p);

}  // namespace mlops::fs
