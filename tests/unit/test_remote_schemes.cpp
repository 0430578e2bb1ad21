// SPDX-License-Identifier: MIT
// The scheme table, URL parsing and the one addressing rule of push, pull and copy.
#include "remote/schemes.hpp"

#include <mlops/error.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace mlops;
using namespace mlops::remote;

namespace {

ErrorKind kind_of(const std::string& url) {
  try {
    (void)parse_location(url);
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::internal;  // accepted
}

std::string message_of(const std::string& url) {
  try {
    (void)parse_location(url);
  } catch (const Error& e) {
    return std::string(e.what()) + "\n" + e.hint();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("schemes: one table, URLs into locations", "[remote]") {
  CHECK(known_schemes() == std::vector<std::string>{"oci", "s3", "http", "https", "file"});
  auto l = parse_location("oci://registry.example:5000/team/");
  CHECK(l.scheme == "oci");
  CHECK(l.host == "registry.example:5000");
  CHECK(l.path == "team");
  l = parse_location("S3://my-bucket/models/prod");
  CHECK(l.scheme == "s3");
  CHECK(l.host == "my-bucket");
  CHECK(l.path == "models/prod");
  l = parse_location("file:///srv/models/");
  CHECK(l.scheme == "file");
  CHECK(l.host.empty());
  CHECK(l.path == "/srv/models");
  CHECK(parse_location("file://localhost/srv").path == "/srv");
  CHECK(parse_location("https://[::1]:8443").path.empty());
}

TEST_CASE("schemes: bad URLs are usage errors that say what to do", "[remote]") {
  // User information is refused, and the password never shows in the message.
  const std::string m = message_of("oci://alice:s3cret@registry.example/team");
  CHECK(m.find("s3cret") == std::string::npos);
  CHECK(m.find("mlops login") != std::string::npos);
  CHECK(kind_of("https://token@host.example/x") == ErrorKind::usage);
  // An unknown scheme lists the known ones.
  const std::string u = message_of("ftp://host.example/x");
  CHECK(u.find("oci://") != std::string::npos);
  CHECK(u.find("file://") != std::string::npos);
  for (const std::string bad :
       {"", "/srv/models", "registry.example/team", "://x", "file://relative/dir", "file://", "file:", "oci://", "oci:///team",
        "oci://bad_host/x", "oci://host.example:0/x", "oci://host.example/a//b", "oci://host.example/x?token=1", "oci://host.example/x#f",
        "s3://B/x", "s3://ab/x", "oci://host.example/a b", "file:///tmp/x\ny",
        // A base path with '.' or '..' segments (it would leave the directory or prefix named).
        "file:///srv/models/../../etc", "file:///srv/..", "file:///srv/./m", "file:///..", "s3://bucket/a/../b", "s3://bucket/..",
        "https://host.example/a/../b", "http://localhost/./x", "oci://host.example/team/../other"}) {
    INFO(bad);
    CHECK(kind_of(bad) == ErrorKind::usage);
  }
}

TEST_CASE("schemes: every scheme of the table opens in this build", "[remote]") {
  for (const char* url : {"oci://localhost:5000/x", "s3://bucket/x", "http://localhost/x", "https://host.example/x", "file:///tmp/x"}) {
    INFO(url);
    CHECK_NOTHROW((void)open_backend(parse_location(url), Options{}));
  }
}

TEST_CASE("addressing: push NAME:TAG URL puts it at URL/NAME:TAG unless the URL names it", "[remote]") {
  auto t = push_target("oci://registry.example/team", "demo", "1");
  CHECK(t.repo == "team/demo");
  CHECK(t.location.path.empty());
  CHECK(t.tag == "1");
  CHECK(t.url() == "oci://registry.example/team/demo:1");
  // Ends in a tag: exactly there.
  t = push_target("oci://registry.example/team/other:2", "demo", "1");
  CHECK(t.repo == "team/other");
  CHECK(t.tag == "2");
  // Ends in the name: the tag appended.
  t = push_target("oci://registry.example/team/demo", "demo", "1");
  CHECK(t.repo == "team/demo");
  CHECK(t.url() == "oci://registry.example/team/demo:1");
  t = push_target("oci://registry.example:5000", "org/demo", "v1");
  CHECK(t.repo == "org/demo");
  CHECK(t.url() == "oci://registry.example:5000/org/demo:v1");
  // file: one layout per repository, at PATH/REPO.
  t = push_target("file:///srv/models", "team/demo", "1");
  CHECK(t.location.path == "/srv/models");
  CHECK(t.repo == "team/demo");
  CHECK(t.url() == "file:///srv/models/team/demo:1");
  t = push_target("file:///srv/models/demo", "demo", "1");
  CHECK(t.location.path == "/srv/models");
  CHECK(t.repo == "demo");
  t = push_target("file:///srv/models/other:3", "demo", "1");
  CHECK(t.location.path == "/srv/models");
  CHECK(t.repo == "other");
  CHECK(t.tag == "3");
  // A port's ':' is not a tag.
  CHECK(push_target("oci://localhost:5000", "demo", "1").url() == "oci://localhost:5000/demo:1");
  CHECK_THROWS_AS(push_target("oci://registry.example/Team", "demo", "1"), Error);
  CHECK_THROWS_AS(
      push_target("oci://registry.example/demo@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "demo", "1"),
      Error);
  CHECK_THROWS_AS(push_target("file:///srv/Models:1", "demo", "1"), Error);
}

TEST_CASE("addressing: pull URL/NAME[:TAG][@DIGEST]", "[remote]") {
  auto t = package_target("oci://registry.example/team/demo:1");
  CHECK(t.repo == "team/demo");
  CHECK(t.reference() == "1");
  t = package_target("oci://registry.example/team/demo");
  CHECK(t.reference() == "latest");
  const std::string d = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
  t = package_target("oci://registry.example/demo@" + d);
  CHECK(t.tag.empty());
  CHECK(t.reference() == d);
  t = package_target("file:///srv/models/team/demo:1");
  CHECK(t.location.path == "/srv/models/team");
  CHECK(t.repo == "demo");
  CHECK(t.url() == "file:///srv/models/team/demo:1");
  t = package_target("file:///demo:1");
  CHECK(t.location.path == "/");
  CHECK(t.url() == "file:///demo:1");
  for (const std::string bad : {"oci://registry.example", "oci://registry.example/", "file:///", "oci://registry.example/demo:",
                                "oci://registry.example/demo@sha256:abc", "oci://registry.example/../demo:1", "file:///srv/Demo:1"}) {
    INFO(bad);
    CHECK_THROWS_AS(package_target(bad), Error);
  }
}
