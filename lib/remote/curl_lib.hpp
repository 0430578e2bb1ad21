// SPDX-License-Identifier: MIT
// libcurl, loaded on first use (core/dynlib.hpp says why), and RAII owners for its handles.
// Code in namespace mlops::remote calls these as libcurl reads; a function not listed here
// fails to link, which is the reminder to add it. The three variadic functions
// (curl_easy_setopt, curl_easy_getinfo, curl_multi_setopt) have typed wrappers below instead:
// LazyFunction cannot forward C varargs, and typed wrappers catch a wrong argument type at
// compile time, which curl's own type-check macros (disabled, see cmake/Dependencies.cmake)
// would otherwise do.
#pragma once

#include "core/dynlib.hpp"

#include <curl/curl.h>

#include <memory>
#include <string>
#include <type_traits>

namespace mlops::remote {

void init_libcurl(void* handle);  // curl_global_init() right after dlopen()
inline constinit dynlib::Library libcurl{MLOPS_LIBCURL_SONAME, "libcurl", &init_libcurl};

// clang-format off
#define MLOPS_CURL_FUNCTION(name) inline constinit dynlib::LazyFunction<decltype(::name)> name{libcurl, #name};
#define MLOPS_CURL_FUNCTIONS(X)                                                                              \
  X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_strerror) X(curl_easy_reset)                           \
  X(curl_multi_init) X(curl_multi_cleanup) X(curl_multi_add_handle) X(curl_multi_remove_handle)              \
  X(curl_multi_perform) X(curl_multi_poll) X(curl_multi_info_read) X(curl_multi_strerror)                    \
  X(curl_slist_append) X(curl_slist_free_all) X(curl_version_info) X(curl_getdate) X(curl_multi_wakeup)    \
  X(curl_url) X(curl_url_cleanup) X(curl_url_set) X(curl_url_get) X(curl_free)
MLOPS_CURL_FUNCTIONS(MLOPS_CURL_FUNCTION)
#undef MLOPS_CURL_FUNCTION
// clang-format on

// Typed curl_easy_setopt: long (curl_off_t is long here), a string, a pointer, a list, a callback.
static_assert(std::is_same_v<curl_off_t, long>, "curl_off_t is long on LP64");
CURLcode setopt(CURL* h, CURLoption o, long v);
CURLcode setopt(CURL* h, CURLoption o, const char* v);
CURLcode setopt(CURL* h, CURLoption o, void* v);
CURLcode setopt(CURL* h, CURLoption o, curl_slist* v);
CURLcode setopt(CURL* h, CURLoption o, curl_write_callback v);  // also the read and header callbacks
CURLcode setopt(CURL* h, CURLoption o, curl_xferinfo_callback v);
CURLcode setopt(CURL* h, CURLoption o, curl_seek_callback v);
CURLcode getinfo(CURL* h, CURLINFO i, long* v);
CURLcode getinfo(CURL* h, CURLINFO i, char** v);
CURLcode getinfo(CURL* h, CURLINFO i, void** v);
CURLMcode multi_setopt(CURLM* m, CURLMoption o, long v);

template <auto& Free>
struct CurlDeleter {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};
using EasyPtr = std::unique_ptr<CURL, CurlDeleter<curl_easy_cleanup>>;
using MultiPtr = std::unique_ptr<CURLM, CurlDeleter<curl_multi_cleanup>>;
using SlistPtr = std::unique_ptr<curl_slist, CurlDeleter<curl_slist_free_all>>;
using UrlPtr = std::unique_ptr<CURLU, CurlDeleter<curl_url_cleanup>>;
using CurlStringPtr = std::unique_ptr<char, CurlDeleter<curl_free>>;

// Appends `line` to `list` (which may be empty); Error{internal} when curl cannot allocate.
void slist_append(SlistPtr& list, const std::string& line);

// "libcurl/7.88.1 OpenSSL/3.0.22 ...": loads the library.
std::string curl_version_text();

}  // namespace mlops::remote
