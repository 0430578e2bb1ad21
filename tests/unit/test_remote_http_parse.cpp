// SPDX-License-Identifier: MIT
// What the HTTP client reads from a server: headers, Retry-After, challenges, Link, URLs.
#include "remote/http_parse.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace http = mlops::remote::http;
using mlops::RemoteFailure;
using namespace std::chrono_literals;

TEST_CASE("response headers are case-insensitive, trimmed and bounded", "[remote]") {
  http::Headers h;
  CHECK(h.add_line("HTTP/1.1 200 OK\r\n"));
  CHECK(h.add_line("Content-Type:  application/json \r\n"));
  CHECK(h.add_line("link: <a>\r\n"));
  CHECK(h.add_line("LINK: <b>\r\n"));
  CHECK(h.add_line("no colon here\r\n"));
  CHECK(h.get("content-type") == "application/json");
  CHECK(h.get("Link") == "<a>");
  CHECK(h.get_all("link").size() == 2);
  CHECK_FALSE(h.get("missing"));
  // A new status line (after a 100 Continue) starts again.
  CHECK(h.add_line("HTTP/1.1 201 Created\r\n"));
  CHECK(h.all().empty());
  // A hostile server cannot grow them without bound.
  bool refused = false;
  for (int i = 0; i < 100000 && !refused; ++i) refused = !h.add_line("X-Junk: " + std::string(100, 'a'));
  CHECK(refused);
  CHECK(h.all().size() <= http::k_max_header_count);
  http::Headers big;
  CHECK_FALSE(big.add("X", std::string(http::k_max_header_bytes + 1, 'a')));
}

TEST_CASE("Retry-After is seconds or an HTTP date, never negative", "[remote]") {
  CHECK(http::parse_retry_after("5", 0) == 5s);
  CHECK(http::parse_retry_after(" 0 ", 0) == 0s);
  CHECK(http::parse_retry_after("99999999999999999999", 0) >= 1000000s);  // the caller caps it
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
  CHECK(http::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30) == 30s);
  CHECK(http::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30) == 0s);
  CHECK_FALSE(http::parse_retry_after("soon", 0));
  CHECK_FALSE(http::parse_retry_after("-5", 0));
  CHECK_FALSE(http::parse_retry_after("", 0));
}

TEST_CASE("statuses map to retry classes", "[remote]") {
  CHECK(http::failure_for_status(401) == RemoteFailure::auth);
  CHECK(http::failure_for_status(403) == RemoteFailure::auth);
  CHECK(http::failure_for_status(408) == RemoteFailure::transient);
  CHECK(http::failure_for_status(429) == RemoteFailure::transient);
  CHECK(http::failure_for_status(500) == RemoteFailure::transient);
  CHECK(http::failure_for_status(503) == RemoteFailure::transient);
  CHECK(http::failure_for_status(501) == RemoteFailure::rejected);
  CHECK(http::failure_for_status(404) == RemoteFailure::rejected);
  CHECK(http::failure_for_status(416) == RemoteFailure::rejected);
  CHECK(http::failure_for_status(200) == RemoteFailure::unspecified);
  CHECK(http::failure_for_status(307) == RemoteFailure::unspecified);
}

TEST_CASE("backoff doubles, is capped and jittered", "[remote]") {
  CHECK(http::backoff(1, 0.5) == 250ms);
  CHECK(http::backoff(2, 0.5) == 500ms);
  CHECK(http::backoff(3, 0.5) == 1000ms);
  CHECK(http::backoff(30, 0.5) == 8000ms);
  CHECK(http::backoff(1, 0.0) == 187ms);
  CHECK(http::backoff(1, 0.999) < 313ms);
  CHECK(http::backoff(1, 0.999) > 250ms);
}

TEST_CASE("WWW-Authenticate challenges are parsed with their parameters", "[remote]") {
  auto c = http::parse_www_authenticate(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push")");
  REQUIRE(c.size() == 1);
  CHECK(c[0].scheme == "bearer");
  CHECK(c[0].params["realm"] == "https://auth.example/token");
  CHECK(c[0].params["service"] == "registry.example");
  CHECK(c[0].params["scope"] == "repository:a/b:pull,push");
  c = http::parse_www_authenticate(R"(Basic realm="x \"quoted\"", Bearer realm=y)");
  REQUIRE(c.size() == 2);
  CHECK(c[0].scheme == "basic");
  CHECK(c[0].params["realm"] == "x \"quoted\"");
  CHECK(c[1].scheme == "bearer");
  CHECK(c[1].params["realm"] == "y");
  CHECK(http::parse_www_authenticate("").empty());
  CHECK(http::parse_www_authenticate(std::string(100000, ',')).empty());
  CHECK(http::parse_www_authenticate(std::string(100000, 'a') + " " + std::string(10000, 'b')).size() <= 16);
}

TEST_CASE("Link headers give the next page", "[remote]") {
  CHECK(http::link_next(R"(</v2/a/tags/list?n=2&last=b>; rel="next")") == "/v2/a/tags/list?n=2&last=b");
  CHECK(http::link_next(R"(<p1>; rel="prev", <p3>; rel="next")") == "p3");
  CHECK_FALSE(http::link_next(R"(<p1>; rel="prev")"));
  CHECK_FALSE(http::link_next("garbage <"));
}

TEST_CASE("URLs: parts, origins, resolution, loopback", "[remote]") {
  const auto p = http::parse_url("https://Registry.Example:5000/v2/");
  CHECK(p.scheme == "https");
  CHECK(p.host == "registry.example");
  CHECK(p.port == "5000");
  CHECK_FALSE(p.has_user);
  CHECK(http::origin_of(p) == "https://registry.example:5000");
  CHECK(http::origin_of(http::parse_url("https://h/x")) == "https://h:443");
  CHECK(http::parse_url("http://u:p@h/").has_user);
  CHECK(http::parse_url("http://[::1]:8080/").host == "::1");
  CHECK_THROWS_AS(http::parse_url("ftp://h/x"), mlops::Error);
  CHECK_THROWS_AS(http::parse_url("not a url"), mlops::Error);
  CHECK(http::resolve_url("http://h:1/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u1?_state=x") ==
        "http://h:1/v2/a/blobs/uploads/u1?_state=x");
  CHECK(http::resolve_url("http://h:1/v2/", "https://other/x") == "https://other/x");
  CHECK(http::is_loopback_host("127.0.0.1"));
  CHECK(http::is_loopback_host("127.8.9.10"));
  CHECK(http::is_loopback_host("localhost"));
  CHECK(http::is_loopback_host("::1"));
  CHECK(http::is_loopback_host("[::1]"));
  CHECK_FALSE(http::is_loopback_host("127.0.0.1.evil.example"));
  CHECK_FALSE(http::is_loopback_host("10.0.0.1"));
  CHECK_FALSE(http::is_loopback_host("localhost.example"));
}

TEST_CASE("numbers from a server are digits only, without overflow", "[remote]") {
  CHECK(http::parse_decimal("0") == 0u);
  CHECK(http::parse_decimal("1234") == 1234u);
  CHECK(http::parse_decimal("18446744073709551615") == 18446744073709551615ull);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1a", "0x10", "1e3", "18446744073709551616", "99999999999999999999999", "1.0"}) {
    INFO(bad);
    CHECK_FALSE(http::parse_decimal(bad));
  }
}

TEST_CASE("Content-Length: strict, and copies that disagree are refused", "[remote]") {
  const auto length = [](std::initializer_list<const char*> lines) {
    http::Headers h;
    for (const char* l : lines) h.add_line(l);
    return http::content_length(h);
  };
  CHECK_FALSE(length({"Content-Type: x"}));
  CHECK(length({"Content-Length: 42"}) == 42u);
  CHECK(length({"Content-Length: 42", "content-length: 42"}) == 42u);
  CHECK(length({"Content-Length: 42, 42"}) == 42u);
  for (auto bad : {std::initializer_list<const char*>{"Content-Length: -1"},
                   {"Content-Length: 12abc"},
                   {"Content-Length: 1 2"},
                   {"Content-Length: 42", "Content-Length: 43"},
                   {"Content-Length: 42, 7"},
                   {"Content-Length: 99999999999999999999"},
                   {"Content-Length: "},
                   {"Content-Length: +5"}}) {
    CHECK_THROWS_AS(length(bad), mlops::Error);
  }
  try {
    (void)length({"Content-Length: 42", "Content-Length: 43"});
  } catch (const mlops::Error& e) {
    CHECK(e.remote_failure() == RemoteFailure::rejected);
  }
}

TEST_CASE("S3 XML: entities decoded, in one pass over a body full of them", "[remote][s3]") {
  CHECK(http::xml_values("<a>x &amp; y</a><b>no</b><a>&lt;&gt;&quot;&apos;&#34;&#39;</a>", "a") ==
        std::vector<std::string>{"x & y", "<>\"'\"'"});
  // An '&' that starts none of our entities stays as it is (no ';', an unknown one, a ';' too far).
  CHECK(http::xml_value("<k>&amp &nbsp; &#x41; &amp;amp; &ampere;</k>", "k") == "&amp &nbsp; &#x41; &amp; &ampere;");
  CHECK(http::xml_value("<k>&</k>", "k") == "&");
  CHECK(http::xml_value("<k>a&amp;</k>", "missing").empty());
  CHECK(http::xml_values("<k>unclosed", "k").empty());
  const std::string key = "team/blobs/sha256/x&<>\"'y";
  CHECK(http::xml_value("<Key>" + http::xml_escape(key) + "</Key>", "Key") == key);

  // 4 MiB of entities in one ListObjects key: decoded whole, 1 Mi '&'.
  std::string body = "<Contents><Key>";
  for (int i = 0; i < (1 << 20) - 4; ++i) body += "&amp;";
  body += "</Key></Contents>";
  const auto keys = http::xml_values(body, "Key");
  REQUIRE(keys.size() == 1);
  CHECK(keys[0] == std::string((1 << 20) - 4, '&'));
  // 4 MiB of '&' with a ';' only at the end: every '&' looked for its ';' to the end of the
  // body before (about 8 * 10^12 bytes scanned); each stays an '&'.
  std::string ampersands = "<Key>" + std::string(4u << 20, '&') + ";</Key>";
  const std::string decoded = http::xml_value(ampersands, "Key");
  CHECK(decoded.size() == (4u << 20) + 1);
  CHECK(decoded == std::string(4u << 20, '&') + ";");
  // A ListParts answer of 4 MiB of "&amp" without a ';' in its ETag.
  std::string etag;
  for (int i = 0; i < (1 << 20); ++i) etag += "&amp";
  CHECK(http::xml_value("<Part><ETag>" + etag + "</ETag></Part>", "ETag") == etag);
}
