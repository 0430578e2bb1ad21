// SPDX-License-Identifier: MIT
// The C libraries behind packaging, loaded on first use (core/dynlib.hpp says why): libarchive
// (tar layers, export/import), zstd and zlib (layer compression), libsodium (Ed25519).
// Code in namespace mlops::package calls them exactly as the C API reads; a function not
// listed here fails to link, which is the reminder to add it.
#pragma once

#include "core/dynlib.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>

namespace mlops::package {

inline constinit dynlib::Library libarchive{MLOPS_LIBARCHIVE_SONAME, "libarchive"};
inline constinit dynlib::Library libzstd{MLOPS_LIBZSTD_SONAME, "libzstd"};
inline constinit dynlib::Library libz{MLOPS_LIBZ_SONAME, "zlib"};
void init_libsodium(void* handle);  // sodium_init() right after dlopen()
inline constinit dynlib::Library libsodium{MLOPS_LIBSODIUM_SONAME, "libsodium", &init_libsodium};

// clang-format off
#define MLOPS_ARCHIVE_FUNCTION(name) inline constinit dynlib::LazyFunction<decltype(::name)> name{libarchive, #name};
#define MLOPS_ARCHIVE_FUNCTIONS(X)                                                                            \
  X(archive_error_string) X(archive_errno) X(archive_entry_new) X(archive_entry_free) X(archive_entry_clear)   \
  X(archive_entry_set_pathname_utf8) X(archive_entry_set_size) X(archive_entry_set_filetype)                   \
  X(archive_entry_set_perm) X(archive_entry_set_mtime) X(archive_entry_set_uid) X(archive_entry_set_gid)       \
  X(archive_entry_set_symlink_utf8) X(archive_entry_pathname_utf8) X(archive_entry_pathname)                   \
  X(archive_entry_filetype) X(archive_entry_size) X(archive_entry_size_is_set) X(archive_entry_symlink)        \
  X(archive_entry_symlink_utf8) X(archive_entry_hardlink) X(archive_entry_hardlink_utf8) X(archive_entry_perm) X(archive_entry_mode)           \
  X(archive_write_new) X(archive_write_free) X(archive_write_set_format_pax_restricted)                        \
  X(archive_write_set_format_ustar) X(archive_write_set_options) X(archive_write_open2)                         \
  X(archive_write_header) X(archive_write_data) X(archive_write_close) X(archive_write_set_bytes_per_block)    \
  X(archive_write_set_bytes_in_last_block) X(archive_read_new) X(archive_read_free)                            \
  X(archive_read_support_format_tar) X(archive_read_support_filter_gzip) X(archive_read_support_filter_zstd)  \
  X(archive_read_support_filter_none) X(archive_read_open2) X(archive_read_open_fd)                            \
  X(archive_read_next_header) X(archive_read_data) X(archive_read_data_skip) X(archive_read_close)              \
  X(archive_filter_count) X(archive_filter_bytes)
MLOPS_ARCHIVE_FUNCTIONS(MLOPS_ARCHIVE_FUNCTION)
#undef MLOPS_ARCHIVE_FUNCTION

#define MLOPS_ZSTD_FUNCTION(name) inline constinit dynlib::LazyFunction<decltype(::name)> name{libzstd, #name};
#define MLOPS_ZSTD_FUNCTIONS(X) \
  X(ZSTD_createCCtx) X(ZSTD_freeCCtx) X(ZSTD_CCtx_setParameter) X(ZSTD_compressStream2) X(ZSTD_isError) X(ZSTD_getErrorName) \
  X(ZSTD_createDCtx) X(ZSTD_freeDCtx) X(ZSTD_decompressStream)
MLOPS_ZSTD_FUNCTIONS(MLOPS_ZSTD_FUNCTION)
#undef MLOPS_ZSTD_FUNCTION

#define MLOPS_Z_FUNCTION(name) inline constinit dynlib::LazyFunction<decltype(::name)> name{libz, #name};
#define MLOPS_Z_FUNCTIONS(X) X(deflateInit2_) X(deflate) X(deflateEnd) X(inflateInit2_) X(inflate) X(inflateEnd) X(inflateReset)
MLOPS_Z_FUNCTIONS(MLOPS_Z_FUNCTION)
#undef MLOPS_Z_FUNCTION

#define MLOPS_SODIUM_FUNCTION(name) inline constinit dynlib::LazyFunction<decltype(::name)> name{libsodium, #name};
#define MLOPS_SODIUM_FUNCTIONS(X)                                                                      \
  X(crypto_sign_seed_keypair) X(crypto_sign_detached) X(crypto_sign_verify_detached) X(randombytes_buf) \
  X(sodium_bin2base64) X(sodium_base642bin) X(sodium_base64_encoded_len) X(sodium_memzero)
// libsodium declares its functions nonnull and warn_unused_result; decltype drops those
// attributes, which is fine here: the calls go through the pointer with the same arguments.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
MLOPS_SODIUM_FUNCTIONS(MLOPS_SODIUM_FUNCTION)
#pragma GCC diagnostic pop
#undef MLOPS_SODIUM_FUNCTION
// clang-format on

template <auto& Free>
struct CDeleter {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};
using ArchiveWritePtr = std::unique_ptr<archive, CDeleter<archive_write_free>>;
using ArchiveReadPtr = std::unique_ptr<archive, CDeleter<archive_read_free>>;
using ArchiveEntryPtr = std::unique_ptr<archive_entry, CDeleter<archive_entry_free>>;

}  // namespace mlops::package
