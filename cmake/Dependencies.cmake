# Every dependency comes from a Debian 12 package; docs/architecture.md lists them.
find_package(CLI11 2.1 CONFIG REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(fmt 9 CONFIG REQUIRED)
find_package(spdlog 1.10 CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
if(NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp ALIAS yaml-cpp)   # yaml-cpp 0.7 exports no namespaced target
endif()
# Boost.Math (header-only, libboost-dev): the regularized incomplete gamma behind chi-square
# p-values in lib/drift.
find_package(Boost 1.74 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2>=1.5)

find_path(KAINJOW_MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp REQUIRED)
add_library(kainjow_mustache INTERFACE)
target_include_directories(kainjow_mustache SYSTEM INTERFACE ${KAINJOW_MUSTACHE_INCLUDE_DIR})

# libgit2 pulls in 22 shared objects (mbedTLS, libssh2, Kerberos, ...); loading them costs
# ~4 ms per process, more than twice `git --version`. libmlops therefore compiles against the
# headers only and dlopen()s the library by its SONAME on first use (lib/core/dynlib.hpp).
include(Soname)
mlops_soname(MLOPS_LIBGIT2_SONAME "${LIBGIT2_LINK_LIBRARIES}")
add_library(libgit2_headers INTERFACE)
target_include_directories(libgit2_headers SYSTEM INTERFACE ${LIBGIT2_INCLUDE_DIRS})

# OpenSSL libcrypto (SHA-256), loaded on first use for the same reason as libgit2.
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
mlops_soname(MLOPS_LIBCRYPTO_SONAME "${OPENSSL_CRYPTO_LIBRARY}")
add_library(openssl_headers INTERFACE)
target_include_directories(openssl_headers SYSTEM INTERFACE ${OPENSSL_INCLUDE_DIR})

# Packaging libraries, loaded on first use like libgit2: only `mlops package` and `mlops key`
# need them, and libarchive alone maps a dozen shared objects (lib/package/c_libs.hpp).
pkg_check_modules(LIBARCHIVE REQUIRED libarchive>=3.6)
pkg_check_modules(SODIUM REQUIRED libsodium>=1.0.18)
pkg_check_modules(ZSTD REQUIRED libzstd>=1.5)
pkg_check_modules(ZLIB REQUIRED zlib)
mlops_soname(MLOPS_LIBARCHIVE_SONAME "${LIBARCHIVE_LINK_LIBRARIES}")
mlops_soname(MLOPS_LIBSODIUM_SONAME "${SODIUM_LINK_LIBRARIES}")
mlops_soname(MLOPS_LIBZSTD_SONAME "${ZSTD_LINK_LIBRARIES}")
mlops_soname(MLOPS_LIBZ_SONAME "${ZLIB_LINK_LIBRARIES}")
add_library(package_headers INTERFACE)
target_include_directories(package_headers SYSTEM INTERFACE
  ${LIBARCHIVE_INCLUDE_DIRS} ${SODIUM_INCLUDE_DIRS} ${ZSTD_INCLUDE_DIRS} ${ZLIB_INCLUDE_DIRS})
target_compile_definitions(package_headers INTERFACE
  MLOPS_LIBARCHIVE_SONAME="${MLOPS_LIBARCHIVE_SONAME}" MLOPS_LIBSODIUM_SONAME="${MLOPS_LIBSODIUM_SONAME}"
  MLOPS_LIBZSTD_SONAME="${MLOPS_LIBZSTD_SONAME}" MLOPS_LIBZ_SONAME="${MLOPS_LIBZ_SONAME}")

# libcurl (remotes: OCI registries, S3, HTTP), loaded on first use like libgit2: it maps 36 shared
# objects (OpenSSL, nghttp2, Kerberos, LDAP, ...), and only push/pull/copy/login talk HTTP.
find_package(CURL 7.75 REQUIRED)
mlops_soname(MLOPS_LIBCURL_SONAME "${CURL_LIBRARIES}")
add_library(curl_headers INTERFACE)
target_include_directories(curl_headers SYSTEM INTERFACE ${CURL_INCLUDE_DIRS})
# The type-checking macros of curl/typecheck-gcc.h would call curl_easy_setopt by its global
# name, bypassing the lazy loader; lib/remote/curl_lib.hpp has typed wrappers instead.
target_compile_definitions(curl_headers INTERFACE MLOPS_LIBCURL_SONAME="${MLOPS_LIBCURL_SONAME}" CURL_DISABLE_TYPECHECK)
