// SPDX-License-Identifier: MIT
// Where registry credentials come from: Docker's config.json (credHelpers, credsStore, auths),
// then ours (only when private), then .netrc for http remotes.
#include "remote/credentials.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <string>

namespace {

namespace fs = mlops::fs;
using mlops::remote::find_netrc_credential;
using mlops::remote::find_registry_credential;

// A HOME of its own, no DOCKER_CONFIG, no NETRC (each TEST_CASE is a process of its own).
struct CredentialHome {
  fs::TempDir dir;
  CredentialHome() {
    ::setenv("HOME", dir.path().c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (dir.path() / "config").c_str(), 1);
    ::unsetenv("DOCKER_CONFIG");
    ::unsetenv("NETRC");
  }
  void docker_config(const std::string& json) {
    std::filesystem::create_directories(dir.path() / ".docker");
    fs::write_file_atomic(dir.path() / ".docker" / "config.json", json);
  }
  // docker-credential-NAME on PATH, printing `output` (and recording its stdin) with exit `code`.
  void helper(const std::string& name, const std::string& output, int code = 0) {
    const auto bin = dir.path() / "bin";
    std::filesystem::create_directories(bin);
    fs::write_file_atomic(bin / ("docker-credential-" + name),
                          "#!/bin/sh\n[ \"$1\" = get ] || exit 3\ncat > \"$HOME/helper-stdin\"\nprintf '%s' '" + output + "'\nexit " +
                              std::to_string(code) + "\n",
                          std::filesystem::perms(0755));
    const std::string path = bin.string() + ":" + std::getenv("PATH");
    ::setenv("PATH", path.c_str(), 1);
  }
};

}  // namespace

TEST_CASE("Docker's auths: base64 user:password, identity tokens, any spelling of the host", "[remote]") {
  CredentialHome home;
  // "mlops:s3cret" and "a:b:c" (a password may hold ':')
  home.docker_config(R"({"auths": {"https://registry.example:5000/v2/": {"auth": "bWxvcHM6czNjcmV0"},
                                    "colon.example": {"auth": "YTpiOmM="},
                                    "tok.example": {"identitytoken": "refresh-123"},
                                    "https://index.docker.io/v1/": {"auth": "aHViOnB3"}}})");
  auto c = find_registry_credential("registry.example:5000");
  REQUIRE(c);
  CHECK(c->username == "mlops");
  CHECK(c->secret == "s3cret");
  CHECK_FALSE(c->identity_token);
  c = find_registry_credential("colon.example");
  REQUIRE(c);
  CHECK(c->username == "a");
  CHECK(c->secret == "b:c");
  c = find_registry_credential("tok.example");
  REQUIRE(c);
  CHECK(c->identity_token);
  CHECK(c->secret == "refresh-123");
  c = find_registry_credential("registry-1.docker.io");
  REQUIRE(c);
  CHECK(c->username == "hub");
  CHECK_FALSE(find_registry_credential("other.example"));
}

TEST_CASE("credHelpers and credsStore run docker-credential-NAME get with the host on stdin", "[remote]") {
  CredentialHome home;
  home.helper("fake", R"({"ServerURL":"x","Username":"helper-user","Secret":"helper-secret"})");
  home.helper("tokens", R"({"ServerURL":"x","Username":"<token>","Secret":"refresh"})");
  home.helper("none", "credentials not found in native keychain", 1);
  home.docker_config(R"({"credHelpers": {"helped.example": "fake", "tok.example": "tokens", "missing.example": "none",
                                          "evil.example": "../../bin/sh"},
                         "credsStore": "fake",
                         "auths": {"plain.example": {"auth": "dTpw"}}})");
  auto c = find_registry_credential("helped.example");
  REQUIRE(c);
  CHECK(c->username == "helper-user");
  CHECK(c->secret == "helper-secret");
  CHECK(c->source == "docker-credential-fake");
  CHECK(fs::read_file(home.dir.path() / "helper-stdin") == "helped.example");
  c = find_registry_credential("tok.example");
  REQUIRE(c);
  CHECK(c->identity_token);
  CHECK(c->username.empty());
  CHECK_FALSE(find_registry_credential("missing.example"));
  CHECK_FALSE(find_registry_credential("evil.example"));  // a helper name with '/' never runs
  // credsStore is the default for every other host; a per-host helper wins over auths.
  c = find_registry_credential("anything.example");
  REQUIRE(c);
  CHECK(c->username == "helper-user");
}

TEST_CASE("our credentials file is read after Docker's, and only when private", "[remote]") {
  CredentialHome home;
  mlops::remote::store_login("Ours.Example", "me", "mine");
  const auto file = mlops::remote::credentials_file();
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto c = find_registry_credential("ours.example");
  REQUIRE(c);
  CHECK(c->username == "me");
  CHECK(c->secret == "mine");
  home.docker_config(R"({"auths": {"ours.example": {"auth": "ZG9ja2VyOnBhc3M="}}})");
  c = find_registry_credential("ours.example");
  REQUIRE(c);
  CHECK(c->username == "docker");
  home.docker_config("{}");
  ::chmod(file.c_str(), 0644);
  CHECK_FALSE(find_registry_credential("ours.example"));  // ignored, with a warning, as ssh does
  ::chmod(file.c_str(), 0600);
  CHECK(find_registry_credential("ours.example"));
  CHECK(mlops::remote::remove_login("ours.example"));
  CHECK_FALSE(mlops::remote::remove_login("ours.example"));
  CHECK_FALSE(find_registry_credential("ours.example"));
}

TEST_CASE("a broken or hostile Docker config is ignored, not fatal", "[remote]") {
  CredentialHome home;
  home.docker_config("{not json");
  CHECK_FALSE(find_registry_credential("x.example"));
  home.docker_config(std::string(100000, '[') + std::string(100000, ']'));
  CHECK_FALSE(find_registry_credential("x.example"));
  home.docker_config(R"({"auths": {"x.example": {"auth": "not base64 !!"}}})");
  CHECK_FALSE(find_registry_credential("x.example"));
  home.docker_config(R"({"auths": [1, 2], "credHelpers": "x"})");
  CHECK_FALSE(find_registry_credential("x.example"));
  CHECK_THROWS_AS(find_registry_credential("bad host"), mlops::Error);
}

TEST_CASE(".netrc gives credentials for http hosts, the machine entry before default", "[remote]") {
  CredentialHome home;
  fs::write_file_atomic(home.dir.path() / ".netrc",
                        "machine dav.example login davuser password davpass\n"
                        "macdef init\ncd /x\n\n"
                        "default login anon password anonpass\n",
                        std::filesystem::perms(0600));
  auto c = find_netrc_credential("dav.example:8080");
  REQUIRE(c);
  CHECK(c->username == "davuser");
  CHECK(c->secret == "davpass");
  c = find_netrc_credential("other.example");
  REQUIRE(c);
  CHECK(c->username == "anon");
  ::setenv("NETRC", (home.dir.path() / "none").c_str(), 1);
  CHECK_FALSE(find_netrc_credential("dav.example"));
}
