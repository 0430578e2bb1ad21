// SPDX-License-Identifier: MIT
// Remote package references: [HOST[:PORT]/]REPO[:TAG][@sha256:DIGEST], host told from the
// first path component by docker's rule.
#include "package/oci.hpp"

#include <mlops/error.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace mlops;
using namespace mlops::package;

namespace {
const std::string k_hex = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
}

TEST_CASE("remote references: host, repository, tag and digest", "[package]") {
  auto r = parse_remote_reference("registry.example.com:5000/team/demo:1.0@sha256:" + k_hex);
  CHECK(r.host == "registry.example.com:5000");
  CHECK(r.repository == "team/demo");
  CHECK(r.tag == "1.0");
  CHECK(r.digest == "sha256:" + k_hex);
  CHECK(r.reference() == "sha256:" + k_hex);
  CHECK(r.str() == "registry.example.com:5000/team/demo:1.0@sha256:" + k_hex);

  r = parse_remote_reference("team/demo");
  CHECK(r.host.empty());  // "team" has no '.' or ':' and is not localhost: part of the name
  CHECK(r.repository == "team/demo");
  CHECK(r.tag.empty());
  CHECK(r.reference() == "latest");

  r = parse_remote_reference("localhost/demo:v1");
  CHECK(r.host == "localhost");
  CHECK(r.repository == "demo");
  CHECK(r.reference() == "v1");

  r = parse_remote_reference("127.0.0.1:5000/demo");
  CHECK(r.host == "127.0.0.1:5000");
  r = parse_remote_reference("[::1]:5000/a/b@sha256:" + k_hex);
  CHECK(r.host == "[::1]:5000");
  CHECK(r.repository == "a/b");
  CHECK(r.tag.empty());

  // A local NAME[:TAG] reads the same as parse_reference reads it.
  r = parse_remote_reference("demo:1");
  CHECK(r.host.empty());
  CHECK(r.repository == "demo");
  CHECK(r.tag == "1");
  // A name whose first component has a dot is a host (docker's rule), unlike parse_reference.
  CHECK(parse_remote_reference("registry.local/a/b:1").host == "registry.local");
  CHECK(parse_reference("registry.local/a/b:1").name == "registry.local/a/b");
  // "demo:1/x": the first component has a ':', so it is a host with a port (docker's rule).
  CHECK(parse_remote_reference("demo:1/x").host == "demo:1");
  // Without a '/', a dotted word is a name (docker reads "host.example:5000" as NAME:TAG).
  r = parse_remote_reference("host.example:5000");
  CHECK(r.host.empty());
  CHECK(r.repository == "host.example");
  CHECK(r.tag == "5000");
}

TEST_CASE("remote references: hostile input is a usage error", "[package]") {
  for (const std::string& bad : std::vector<std::string>{
           "",
           "@",
           "demo@",
           "demo@sha256:",
           "demo@sha256:" + k_hex.substr(1),
           "demo@sha256:" + std::string(64, 'A'),
           "demo@sha512:" + k_hex,
           "demo@sha256:" + k_hex + "@sha256:" + k_hex,
           "host:0/demo",
           "host:65536/demo",
           "host:99999999999999999999/demo",
           "host:/demo",
           "-host.example/demo",
           "ho_st.example/demo",
           "a..b/demo",
           ".example/demo",
           "[::1/demo",
           "[zz]/demo",
           "[::1]x/demo",
           "host.example/",
           "host.example//demo",
           "host.example/../demo",
           "host.example/team/../demo",
           "host.example/Demo",
           "demo:",
           "demo:-x",
           "demo:" + std::string(129, 'a'),
           "demo:x/y",
           "demo/:1",
           "/demo",
           "demo\n:1",
           "de\x1bmo:1",
           std::string(300, 'a') + ".example/demo",
       }) {
    INFO(bad);
    try {
      (void)parse_remote_reference(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::usage);
      // Control characters from argv are never echoed raw.
      CHECK(std::string(e.what()).find('\x1b') == std::string::npos);
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  }
}

TEST_CASE("registry hosts: docker's forms", "[package]") {
  for (const char* ok : {"localhost", "localhost:5000", "a.b.c", "A-1.example:443", "[::1]", "[fe80::1]:5000", "10.0.0.1:1"}) {
    INFO(ok);
    CHECK(valid_registry_host(ok));
  }
  for (const char* bad : {"", ":5000", "a:b", "a..b", "a-.b", "[]", "[::1]:", "a b", "a/b", "a@b"}) {
    INFO(bad);
    CHECK_FALSE(valid_registry_host(bad));
  }
}
