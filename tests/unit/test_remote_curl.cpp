// SPDX-License-Identifier: MIT
#include "remote/curl_lib.hpp"
#include "remote/http_client.hpp"

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

TEST_CASE("credentials never cross plain HTTP off this machine when only mlops.yaml allowed it", "[remote]") {
  // A cloned repository's mlops.yaml may say plain_http for its remote: the connection may be
  // plain, but a password or token is refused before anything is sent (192.0.2.1 is TEST-NET:
  // nothing there would answer, so reaching it would time out instead of failing here).
  mlops::remote::http::ClientOptions o;
  o.plain_http = true;
  o.plain_http_secrets = false;
  o.max_attempts = 1;  // without the check: a quick connection failure, not this test's error
  o.connect_timeout = std::chrono::milliseconds(300);
  mlops::remote::http::Client client(o);
  mlops::remote::http::Request r;
  r.url = "http://192.0.2.1:5000/v2/";
  r.secret_headers.push_back({"Authorization", "Basic c2VjcmV0"});
  try {
    (void)client.send(r);
    FAIL("sent credentials over plain HTTP");
  } catch (const mlops::Error& e) {
    CHECK(e.kind() == mlops::ErrorKind::usage);
    CHECK(std::string(e.what()).find("c2VjcmV0") == std::string::npos);
    CHECK(std::string(e.what()).find("192.0.2.1") != std::string::npos);
  }
}
