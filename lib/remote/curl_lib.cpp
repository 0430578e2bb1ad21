// SPDX-License-Identifier: MIT
#include "remote/curl_lib.hpp"

#include <mlops/error.hpp>

#include <dlfcn.h>

namespace mlops::remote {

void init_libcurl(void* handle) {
  // curl_global_init is thread-safe from 7.84 on; dynlib's call_once serialises it anyway.
  auto* init = reinterpret_cast<CURLcode (*)(long)>(::dlsym(handle, "curl_global_init"));
  if (init == nullptr || init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error(ErrorKind::internal, "cannot initialise libcurl");
}

namespace {

using EasySetopt = CURLcode (*)(CURL*, CURLoption, ...);
using EasyGetinfo = CURLcode (*)(CURL*, CURLINFO, ...);
using MultiSetopt = CURLMcode (*)(CURLM*, CURLMoption, ...);

template <class Fn>
Fn lookup(const char* name) {
  static_assert(sizeof(Fn) == sizeof(void*));
  return reinterpret_cast<Fn>(libcurl.symbol(name));
}

EasySetopt easy_setopt() {
  static const EasySetopt fn = lookup<EasySetopt>("curl_easy_setopt");
  return fn;
}
EasyGetinfo easy_getinfo() {
  static const EasyGetinfo fn = lookup<EasyGetinfo>("curl_easy_getinfo");
  return fn;
}

}  // namespace

CURLcode setopt(CURL* h, CURLoption o, long v) { return easy_setopt()(h, o, v); }
CURLcode setopt(CURL* h, CURLoption o, const char* v) { return easy_setopt()(h, o, v); }
CURLcode setopt(CURL* h, CURLoption o, void* v) { return easy_setopt()(h, o, v); }
CURLcode setopt(CURL* h, CURLoption o, curl_slist* v) { return easy_setopt()(h, o, v); }
CURLcode setopt(CURL* h, CURLoption o, curl_write_callback v) { return easy_setopt()(h, o, v); }
CURLcode setopt(CURL* h, CURLoption o, curl_xferinfo_callback v) { return easy_setopt()(h, o, v); }
CURLcode setopt(CURL* h, CURLoption o, curl_seek_callback v) { return easy_setopt()(h, o, v); }
CURLcode getinfo(CURL* h, CURLINFO i, long* v) { return easy_getinfo()(h, i, v); }
CURLcode getinfo(CURL* h, CURLINFO i, char** v) { return easy_getinfo()(h, i, v); }
CURLcode getinfo(CURL* h, CURLINFO i, void** v) { return easy_getinfo()(h, i, v); }
CURLMcode multi_setopt(CURLM* m, CURLMoption o, long v) {
  static const MultiSetopt fn = lookup<MultiSetopt>("curl_multi_setopt");
  return fn(m, o, v);
}

void slist_append(SlistPtr& list, const std::string& line) {
  // curl sends a header line as given: a line break (from a token a server sent, a variable)
  // would inject headers, a NUL cut the line. Not echoed: the line may hold a credential.
  if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    throw Error(ErrorKind::invalid_input, "refusing to send an HTTP header holding a line break or NUL");
  }
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) throw Error(ErrorKind::internal, "out of memory building an HTTP request");
  (void)list.release();  // curl_slist_append returns the same head (or a new one when it was empty)
  list.reset(next);
}

std::string curl_version_text() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  std::string out = "libcurl/";
  out += info != nullptr && info->version != nullptr ? info->version : "?";
  if (info != nullptr && info->ssl_version != nullptr) out += std::string(" ") + info->ssl_version;
  return out;
}

}  // namespace mlops::remote
