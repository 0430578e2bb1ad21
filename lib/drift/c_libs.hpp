// SPDX-License-Identifier: MIT
// zlib and zstd for compressed CSV input, loaded on first use (core/dynlib.hpp says why).
// The drift module depends on core only, so it declares its own handles on the same SONAMEs
// as package/c_libs.hpp (dlopen() of a loaded library is only a reference count).
#pragma once

#include "core/dynlib.hpp"

#include <zlib.h>
#include <zstd.h>

namespace mlops::drift {

inline constinit dynlib::Library libzstd{MLOPS_LIBZSTD_SONAME, "libzstd"};
inline constinit dynlib::Library libz{MLOPS_LIBZ_SONAME, "zlib"};

// clang-format off
#define MLOPS_DRIFT_ZSTD_FUNCTION(name) inline constinit dynlib::LazyFunction<decltype(::name)> name{libzstd, #name};
#define MLOPS_DRIFT_ZSTD_FUNCTIONS(X) X(ZSTD_createDCtx) X(ZSTD_freeDCtx) X(ZSTD_decompressStream) X(ZSTD_isError) X(ZSTD_getErrorName)
MLOPS_DRIFT_ZSTD_FUNCTIONS(MLOPS_DRIFT_ZSTD_FUNCTION)
#undef MLOPS_DRIFT_ZSTD_FUNCTION
#define MLOPS_DRIFT_Z_FUNCTION(name) inline constinit dynlib::LazyFunction<decltype(::name)> name{libz, #name};
#define MLOPS_DRIFT_Z_FUNCTIONS(X) X(inflateInit2_) X(inflate) X(inflateEnd) X(inflateReset)
MLOPS_DRIFT_Z_FUNCTIONS(MLOPS_DRIFT_Z_FUNCTION)
#undef MLOPS_DRIFT_Z_FUNCTION
// clang-format on

}  // namespace mlops::drift
