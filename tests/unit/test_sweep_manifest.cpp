// SPDX-License-Identifier: MIT
#include "exp/sweep_manifest.hpp"

#include <mlops/error.hpp>

#include <catch2/catch.hpp>

using namespace mlops;
using namespace mlops::exp;

namespace {

const std::string k_sweep = "01J9Z3V5Q8M4T2B7C6D1E0F9GH";

SweepManifest minimal() {
  SweepManifest m;
  m.id = k_sweep;
  m.executor = "slurm";
  m.argv = {"true"};
  return m;
}

}  // namespace

TEST_CASE("a sweep's git remote is a URL git fetches from, without a password or a helper program", "[exp][sweep]") {
  for (const char* ok : {"https://example.org/team/x.git", "ssh://git@example.org/x.git", "git://127.0.0.1:9418/x.git",
                         "file:///srv/git/x.git", "/srv/git/x.git", "git@example.org:team/x.git", "ssh://git@[::1]:22/x.git",
                         "https://example.org/org/a@b.git", "file:///srv/a@b/x.git", "git@[::1]:x.git", "git+ssh://git@example.org/x.git",
                         "https://[::1]/x.git", "https://[2001:db8::1]:8443/org/x.git", "SSH://git@example.org/x.git"}) {
    INFO(ok);
    CHECK(git_remote_url_problem(ok).empty());
  }
  CHECK(git_remote_url_problem("https://me:pw@example.org/x.git").find("password") != std::string::npos);
  CHECK(git_remote_url_problem("ssh://me:pw@example.org/x.git").find("password") != std::string::npos);
  CHECK(git_remote_url_problem("https://user:pa/ss@example.org/x.git").find("password") != std::string::npos);
  CHECK(git_remote_url_problem("ssh://me:pa/ss@example.org/x.git").find("password") != std::string::npos);
  CHECK(git_remote_url_problem("tok:secret@example.org:team/x.git").find("password") != std::string::npos);
  CHECK(git_remote_url_problem("https://ghp_S3CRET@example.org/x.git").find("token") != std::string::npos);
  CHECK(git_remote_url_problem("git://ghp_S3CRET@127.0.0.1:9418/x.git").find("token") != std::string::npos);
  CHECK(git_remote_url_problem("https://example.org/x.git?private_token=S3CRET").find("query") != std::string::npos);
  CHECK(git_remote_url_problem("git://127.0.0.1:9418/x.git#S3CRET").find("query") != std::string::npos);
  CHECK(git_remote_url_problem("/srv/gone\xe2\x80\xae"
                               "evil.git")
            .find("ASCII") != std::string::npos);  // RIGHT-TO-LEFT OVERRIDE
  CHECK(git_remote_url_problem("HTTPS://tok@example.org/x.git").find("token") != std::string::npos);
  CHECK_FALSE(git_remote_url_problem("-uhack").empty());
  CHECK_FALSE(git_remote_url_problem("ext::sh -c touch% /tmp/x").empty());
  CHECK_FALSE(git_remote_url_problem("fd::17").empty());
  CHECK_FALSE(git_remote_url_problem("relative/path.git").empty());
  CHECK_FALSE(git_remote_url_problem("ftp://example.org/x.git").empty());
  CHECK_FALSE(git_remote_url_problem("https://example.org/x\n.git").empty());
  CHECK_FALSE(git_remote_url_problem("").empty());
}

TEST_CASE("a manifest's remote is written, read back, and checked as hostile", "[exp][sweep]") {
  SweepManifest m = minimal();
  CHECK(sweep_manifest_text(m).find("remote") == std::string::npos);  // a shared-path sweep's manifest stays as it was
  m.remote = "ssh://git@example.org/x.git";
  const SweepManifest back = parse_sweep_manifest(sweep_manifest_text(m), k_sweep);
  CHECK(back.remote == m.remote);
  m.remote = "https://u:secret@example.org/x.git";
  try {
    (void)parse_sweep_manifest(sweep_manifest_text(m), k_sweep);
    FAIL("a remote with a password was accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(std::string(e.what()).find("remote holds a password") != std::string::npos);
  }
}
