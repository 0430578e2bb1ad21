// SPDX-License-Identifier: MIT
#include "remote/curl_lib.hpp"

#include <mlops/error.hpp>

#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <string>

TEST_CASE("libcurl loads by its SONAME on first use", "[remote]") {
  const std::string version = mlops::remote::curl_version_text();
  CHECK(version.rfind("libcurl/", 0) == 0);
  // Now mapped: RTLD_NOLOAD finds it without loading it.
  void* handle = ::dlopen(MLOPS_LIBCURL_SONAME, RTLD_NOW | RTLD_NOLOAD);
  CHECK(handle != nullptr);
  if (handle != nullptr) ::dlclose(handle);
  mlops::remote::EasyPtr easy(mlops::remote::curl_easy_init());
  REQUIRE(easy);
  CHECK(mlops::remote::setopt(easy.get(), CURLOPT_TIMEOUT_MS, 1000L) == CURLE_OK);
  mlops::remote::SlistPtr headers;
  mlops::remote::slist_append(headers, "Accept: x");
  mlops::remote::slist_append(headers, "X-Two: y");
  REQUIRE(headers);
  CHECK(std::string(headers->data) == "Accept: x");
  CHECK(std::string(headers->next->data) == "X-Two: y");
}

TEST_CASE("a header line with a line break or NUL is never handed to curl", "[remote]") {
  // curl sends a header line as given: "Bearer t\r\nX-Evil: 1" from a hostile token answer
  // would be two headers. The error does not echo the line (it may be a credential).
  mlops::remote::SlistPtr headers;
  for (const std::string& line :
       {std::string("Authorization: Bearer t0k\r\nX-Evil: 1"), std::string("X: a\nb"), std::string("X: a\0b", 7)}) {
    try {
      mlops::remote::slist_append(headers, line);
      FAIL("accepted a header line with a control character");
    } catch (const mlops::Error& e) {
      CHECK(std::string(e.what()).find("t0k") == std::string::npos);
    }
  }
  CHECK(!headers);
  mlops::remote::slist_append(headers, "X-Tab: a\tb");  // a tab is allowed in a field value
  CHECK(headers);
}
