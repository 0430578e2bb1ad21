// SPDX-License-Identifier: MIT
#include "core/url.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace mlops;

TEST_CASE("URLs lose their credentials", "[core]") {
  CHECK(redact_url("https://user:tok@host/repo.git") == "https://***@host/repo.git");
  CHECK(strip_url_credentials("https://user:tok@host/repo.git@v1") == "https://host/repo.git@v1");
  CHECK(strip_url_credentials("http://host/a@b") == "http://host/a@b");
  CHECK(redact_url("git@github.com:org/repo.git") == "git@github.com:org/repo.git");
  CHECK(strip_url_credentials("ssh://git@host:22/x") == "ssh://host:22/x");
  CHECK(redact_url("https://h/x.git?access_token=t&a#f") == "https://h/x.git?access_token=***&***#f");
  CHECK(redact_url("https://u:p@h/x?k=v") == "https://***@h/x?k=***");
  // A raw '/' in the password ends the authority early: the password is hidden all the same.
  CHECK(redact_url("https://u:pa/ss@host/x.git") == "https://***@host/x.git");
  CHECK(redact_url("https://u:pa/ss") == "https://***@/ss");
  CHECK(redact_url("https://host:8443/x@y") == "https://host:8443/x@y");
  // An IPv6 host's colons are not a password's.
  CHECK(redact_url("https://[::1]/x.git") == "https://[::1]/x.git");
  CHECK(redact_url("https://[2001:db8::1]:8443/org/x.git") == "https://[2001:db8::1]:8443/org/x.git");
  CHECK(redact_url("ssh://git@[::1]:22/x") == "ssh://***@[::1]:22/x");
  CHECK(redact_url("https://u:p@[::1]:x/y") == "https://***@[::1]:x/y");
  CHECK(url_has_userinfo("https://tok@host/x"));
  CHECK_FALSE(url_has_userinfo("https://host/org/a@b.git"));
  CHECK(redact_url("888a/./b/..2?c") == "888a/./b/..2?c");  // a path, not a URL (found by fuzz_template_spec)
  CHECK(redact_urls_in("malformed URL 'https://user:p@ss@host:1/x.git' (see http://u:p@h/)") ==
        "malformed URL 'https://***@host:1/x.git' (see http://***@h/)");
  CHECK(redact_urls_in("no url here: a://") == "no url here: a://");
}

TEST_CASE("atomic writes replace content and keep no temporary file", "[core]") {
  fs::TempDir tmp;
  const auto p = tmp.path() / "f.txt";
  fs::write_file_atomic(p, "one");
  fs::write_file_atomic(p, "two", std::filesystem::perms(0600));
  CHECK(fs::read_file(p) == "two");
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(tmp.path())) ++n;
  CHECK(n == 1);
  CHECK_THROWS_AS(fs::write_file_atomic(tmp.path() / "no/such/dir/f", "x"), Error);
}

TEST_CASE("read_file distinguishes missing files", "[core]") {
  try {
    fs::read_file("/nonexistent/x");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::not_found);
  }
}

TEST_CASE("TempDir removes its tree unless released", "[core]") {
  std::filesystem::path kept;
  {
    fs::TempDir t;
    kept = t.path();
    fs::write_file_atomic(kept / "x", "y");
  }
  CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("is_within is lexical and refuses ..", "[core]") {
  CHECK(fs::is_within("/a/b", "/a/b/c"));
  CHECK(fs::is_within("/a/b", "/a/b"));
  CHECK(fs::is_within("/a/b", "/a/b/c/../d"));
  CHECK_FALSE(fs::is_within("/a/b", "/a/b/../c"));
  CHECK_FALSE(fs::is_within("/a/b", "/a/bc"));
  CHECK_FALSE(fs::is_within("/a/b", "/x"));
}
