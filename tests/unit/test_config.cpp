// SPDX-License-Identifier: MIT
#include "config/project.hpp"

#include <mlops/config.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/remote.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using namespace mlops;
namespace stdfs = std::filesystem;

namespace {

// Each test case runs in its own process (catch_discover_tests): the environment is ours.
struct Env {
  fs::TempDir tmp;
  stdfs::path home = tmp.path() / "home";
  Env() {
    stdfs::create_directories(home / ".config" / "mlops");
    ::setenv("HOME", home.c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (home / ".config").c_str(), 1);
    ::setenv("XDG_DATA_HOME", (home / "data").c_str(), 1);
    ::unsetenv("MLOPS_HOME");
    ::unsetenv("MLOPS_JOBS");
    ::unsetenv("MLOPS_REMOTE");
  }
  void user(const std::string& text) const { fs::write_file_atomic(home / ".config" / "mlops" / "config.yaml", text); }
  stdfs::path project(const std::string& text) const {
    const stdfs::path p = tmp.path() / "proj";
    stdfs::create_directories(p / ".git");
    fs::write_file_atomic(p / "mlops.yaml", text);
    return p;
  }
};

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  FAIL("no error");
  return ErrorKind::internal;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("config: built-in defaults without any file", "[config]") {
  const Env env;
  const auto s = config::load_settings(env.tmp.path());
  CHECK(s.project.empty());
  CHECK_FALSE(s.jobs);
  CHECK(s.default_remote.empty());
  CHECK(s.store == env.home / "data" / "mlops" / "store");
  CHECK(s.remotes.empty());
}

TEST_CASE("config: env > mlops.yaml > user config > built-in", "[config]") {
  const Env env;
  env.user(
      "jobs: 3\nstore: /user/store\ndefault_remote: team\nremotes:\n  team: {url: oci://user.example/t}\n  own: {url: file:///srv/own}\n");
  auto s = config::load_settings(env.tmp.path());
  CHECK(s.jobs == 3);
  CHECK(s.store == "/user/store");
  CHECK(s.default_remote == "team");
  REQUIRE(s.remotes.size() == 2);

  const auto proj = env.project("jobs: 5\nstore: .store\ndefault_remote: own\nremotes:\n  team:\n    url: s3://bucket/p\n");
  stdfs::create_directories(proj / "sub");
  s = config::load_settings(proj / "sub");
  CHECK(s.project == proj);
  CHECK(s.jobs == 5);
  CHECK(s.store == proj / ".store");
  CHECK(s.default_remote == "own");
  REQUIRE(s.remotes.size() == 2);
  CHECK(s.remotes[0].name == "team");
  CHECK(s.remotes[0].url == "s3://bucket/p");  // the project's wins over the user's
  CHECK(s.remotes[1].url == "file:///srv/own");
  CHECK(config::resolve_remote(proj, "team") == "s3://bucket/p");
  CHECK(config::resolve_remote(proj, "") == "file:///srv/own");

  ::setenv("MLOPS_JOBS", "7", 1);
  ::setenv("MLOPS_HOME", "/env/store", 1);
  ::setenv("MLOPS_REMOTE", "team", 1);
  s = config::load_settings(proj);
  CHECK(s.jobs == 7);
  CHECK(s.store == "/env/store");
  CHECK(s.default_remote == "team");
  ::setenv("MLOPS_JOBS", "lots", 1);
  CHECK(kind_of([&] { config::load_settings(proj); }) == ErrorKind::usage);
}

TEST_CASE("config: a broken file names FILE:LINE and is invalid input", "[config]") {
  const Env env;
  env.project("schema: 1\n  jobs: 2\n");
  CHECK(kind_of([&] { config::load_settings(env.tmp.path() / "proj"); }) == ErrorKind::invalid_input);
  CHECK(message_of([&] { config::load_settings(env.tmp.path() / "proj"); }).find("mlops.yaml:2: invalid YAML") != std::string::npos);

  env.project("schema: 1\njobs: 0\n");
  CHECK(message_of([&] { config::load_settings(env.tmp.path() / "proj"); }).find("mlops.yaml:2: 'jobs' must be") != std::string::npos);
  env.project("remotes:\n  Bad: {url: oci://h/x}\n");
  CHECK(message_of([&] { config::load_settings(env.tmp.path() / "proj"); }).find("mlops.yaml:2: invalid remote name") != std::string::npos);
  env.project("- a list\n");
  CHECK(kind_of([&] { config::load_settings(env.tmp.path() / "proj"); }) == ErrorKind::invalid_input);
  env.project("remotes:\n  a: {url: 'https://u:secret@h/x'}\n");
  const std::string m = message_of([&] { config::load_settings(env.tmp.path() / "proj"); });
  CHECK(m.find("mlops.yaml:2:") != std::string::npos);
  CHECK(m.find("secret") == std::string::npos);

  env.user("jobs: two\n");
  stdfs::remove(env.tmp.path() / "proj" / "mlops.yaml");
  CHECK(message_of([&] { config::load_settings(env.tmp.path()); }).find("config.yaml:1: 'jobs'") != std::string::npos);
}

TEST_CASE("config: hostile YAML is refused with a bound", "[config]") {
  const Env env;
  // Billion laughs: a few hundred bytes that expand past the node limit.
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'k'; ++c) {
    const char prev = static_cast<char>(c - 1);
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  env.project(bomb);
  CHECK(kind_of([&] { config::load_settings(env.tmp.path() / "proj"); }) == ErrorKind::invalid_input);
  env.project(std::string(2u << 20, '#'));
  CHECK(kind_of([&] { config::load_settings(env.tmp.path() / "proj"); }) == ErrorKind::invalid_input);
  env.project(std::string(5000, '[') + std::string(5000, ']'));
  CHECK(kind_of([&] { config::load_settings(env.tmp.path() / "proj"); }) == ErrorKind::invalid_input);
  // Not a regular file: a directory named mlops.yaml is refused, not skipped.
  stdfs::remove(env.tmp.path() / "proj" / "mlops.yaml");
  stdfs::create_directory(env.tmp.path() / "proj" / "mlops.yaml");
  CHECK(kind_of([&] { config::load_settings(env.tmp.path() / "proj"); }) == ErrorKind::invalid_input);
}

TEST_CASE("config: a missing file is no error", "[config]") {
  const Env env;
  CHECK_FALSE(config::load_file(env.tmp.path() / "nothing.yaml"));
  CHECK_FALSE(config::load_project(env.tmp.path()));
  env.user("");
  CHECK_FALSE(config::load_settings(env.tmp.path()).jobs);
}

TEST_CASE("config: the project root stops at the git working tree's top", "[config]") {
  const Env env;
  fs::write_file_atomic(env.tmp.path() / "mlops.yaml", "schema: 1\n");  // above the repository: not its project
  const stdfs::path repo = env.tmp.path() / "repo";
  stdfs::create_directories(repo / ".git");
  stdfs::create_directories(repo / "a" / "b");
  CHECK_FALSE(config::find_project_root(repo / "a" / "b"));
  fs::write_file_atomic(repo / "a" / "mlops.yaml", "schema: 1\n");
  CHECK(config::find_project_root(repo / "a" / "b") == repo / "a");
  CHECK(config::find_project_root(repo / "a") == repo / "a");
  CHECK_FALSE(config::find_project_root(repo));
  // Without git the walk goes up to the filesystem's top.
  stdfs::create_directories(env.tmp.path() / "plain" / "x");
  CHECK(config::find_project_root(env.tmp.path() / "plain" / "x") == env.tmp.path());
}

TEST_CASE("config: remote names and URLs", "[config]") {
  for (const char* ok : {"origin", "a", "0", "team-1.prod_x"}) CHECK_NOTHROW(config::check_remote_name(ok));
  for (const char* bad : {"", "Origin", "-a", ".a", "_a", "a b", "a/b", "a:b", "ü"}) {
    CHECK(kind_of([&] { config::check_remote_name(bad); }) == ErrorKind::usage);
  }
  CHECK(kind_of([&] { config::check_remote_name(std::string(65, 'a')); }) == ErrorKind::usage);
  for (const char* ok : {"oci://registry.example/team", "oci://localhost:5000/a/b:1", "s3://bucket", "s3://bucket/prefix/x",
                         "http://127.0.0.1:8080/dav", "https://h", "file:///srv/models", "oci://[::1]:5000/x"}) {
    CHECK_NOTHROW(config::check_remote_url(ok));
  }
  for (const char* bad :
       {"registry.example/team", "ftp://h/x", "oci://", "s3:///x", "file://host/x", "file://", "oci://h:0/x", "oci://h:99999/x",
        "oci://h:x/y", "https://h/a b", "https://h/a//b", "https://h/../x", "https://h/x?token=t", "https://h/x#f", "OCI://h/x"}) {
    CHECK(kind_of([&] { config::check_remote_url(bad); }) == ErrorKind::usage);
  }
  const std::string m = message_of([] { config::check_remote_url("https://user:hunter2@host/x"); });
  CHECK(m.find("hunter2") == std::string::npos);
  CHECK(m.find("user") != std::string::npos);  // "user name or password"
  CHECK(kind_of([] { config::check_remote_url("oci://token@host/x"); }) == ErrorKind::usage);
}

TEST_CASE("config: resolve_remote takes a name or a URL", "[config]") {
  const Env env;
  const auto proj = env.project("remotes:\n  origin: {url: 'oci://h/x'}\n");
  CHECK(config::resolve_remote(proj, "origin") == "oci://h/x");
  CHECK(config::resolve_remote(proj, "file:///elsewhere") == "file:///elsewhere");
  CHECK(kind_of([&] { config::resolve_remote(proj, "orign"); }) == ErrorKind::not_found);
  CHECK(kind_of([&] { config::resolve_remote(proj, ""); }) == ErrorKind::usage);
  CHECK(kind_of([&] { config::resolve_remote(proj, "https://u:p@h/x"); }) == ErrorKind::usage);
}

TEST_CASE("config: find_named_remote gives a named remote's settings under the flags", "[config]") {
  const Env env;
  const auto proj = env.project(
      "default_remote: minio\n"
      "remotes:\n"
      "  minio: {url: 's3://b/p', endpoint: 'http://127.0.0.1:9', region: eu-west-3}\n"
      "  tls: {url: 'oci://h/x', ca_file: ca.pem, plain_http: true}\n");
  fs::write_file_atomic(proj / "ca.pem", "pem\n");
  const auto named = remote::find_named_remote(proj, "", {});
  CHECK(named.name == "minio");
  CHECK(named.url == "s3://b/p");
  CHECK(named.options.endpoint == "http://127.0.0.1:9");
  CHECK(named.options.region == "eu-west-3");
  remote::TransferOptions flags;
  flags.endpoint = "http://127.0.0.1:7";
  flags.jobs = 3;
  const auto flagged = remote::find_named_remote(proj, "minio", flags);
  CHECK(flagged.options.endpoint == "http://127.0.0.1:7");
  CHECK(flagged.options.region == "eu-west-3");
  CHECK(flagged.options.jobs == 3);
  const auto tls = remote::find_named_remote(proj, "tls", {});
  REQUIRE(tls.options.ca_file);
  CHECK(*tls.options.ca_file == proj / "ca.pem");
  CHECK(tls.options.plain_http);
  CHECK(tls.options.plain_http_from_project);
  remote::TransferOptions plain;
  plain.plain_http = true;
  CHECK_FALSE(remote::find_named_remote(proj, "tls", plain).options.plain_http_from_project);
  // A URL as it is: the flags alone.
  const auto url = remote::find_named_remote(proj, "s3://other/q", {});
  CHECK(url.name.empty());
  CHECK(url.options.endpoint.empty());
  CHECK(kind_of([&] { remote::find_named_remote(proj, "Not A Name", {}); }) == ErrorKind::usage);
  CHECK(kind_of([&] { remote::find_named_remote(proj, "minoi", {}); }) == ErrorKind::not_found);
  // A CA file is a regular file: the flag's is a usage error, the configuration's bad input.
  remote::TransferOptions dir;
  dir.ca_file = env.tmp.path();
  CHECK(kind_of([&] { remote::find_named_remote(proj, "s3://other/q", dir); }) == ErrorKind::usage);
  stdfs::remove(proj / "ca.pem");
  CHECK(message_of([&] { remote::find_named_remote(proj, "tls", {}); }).find("no such file") != std::string::npos);
  CHECK(kind_of([&] { remote::find_named_remote(proj, "tls", {}); }) == ErrorKind::invalid_input);
  stdfs::create_directory(proj / "ca.pem");
  CHECK(message_of([&] { config::load_settings(proj); }).find("mlops.yaml:4:") != std::string::npos);
}

TEST_CASE("config: add and remove remotes keep the rest of mlops.yaml", "[config]") {
  const Env env;
  const std::string before =
      "# the project\nschema: 1   # keep me\nproject: demo\n\nremotes:\n    # team registry\n    team:\n        url: oci://h/t  # "
      "pinned\n\n# the package\npackage:\n  name: demo\n";
  const auto proj = env.project(before);
  config::add_remote(proj, "backup", "s3://bucket/models", true);
  const std::string after = fs::read_file(proj / "mlops.yaml");
  CHECK(after ==
        "# the project\nschema: 1   # keep me\nproject: demo\n\nremotes:\n    # team registry\n    team:\n        url: oci://h/t  # "
        "pinned\n    backup:\n        url: s3://bucket/models\n\n# the package\npackage:\n  name: demo\ndefault_remote: backup\n");
  CHECK(kind_of([&] { config::add_remote(proj, "team", "oci://h/other", false); }) == ErrorKind::conflict);
  CHECK(config::remove_remote(proj, "backup"));
  CHECK(fs::read_file(proj / "mlops.yaml") == before);
  CHECK(kind_of([&] { config::remove_remote(proj, "backup"); }) == ErrorKind::not_found);
  CHECK_FALSE(config::remove_remote(proj, "team"));
  CHECK(fs::read_file(proj / "mlops.yaml") ==
        "# the project\nschema: 1   # keep me\nproject: demo\n\n\n# the package\npackage:\n  name: demo\n");
  config::add_remote(proj, "origin", "file:///srv/m", false);
  CHECK(config::load_settings(proj).remotes.at(0).url == "file:///srv/m");
}

TEST_CASE("config: a flow-style remotes mapping and CRLF files are edited too", "[config]") {
  const Env env;
  auto proj = env.project("schema: 1\r\nremotes: {a: {url: 'oci://h/a'}}\r\ndefault_remote: a # mine\r\n");
  config::add_remote(proj, "b", "oci://h/b", true);
  CHECK(fs::read_file(proj / "mlops.yaml") ==
        "schema: 1\r\nremotes:\r\n  a:\r\n    url: oci://h/a\r\n  b:\r\n    url: oci://h/b\r\ndefault_remote: b # mine\r\n");
  proj = env.project("remotes:\n");
  config::add_remote(proj, "a", "oci://h/a", false);
  CHECK(fs::read_file(proj / "mlops.yaml") == "remotes:\n  a:\n    url: oci://h/a\n");
  proj = env.project("");
  config::add_remote(proj, "a", "oci://h/a", false);
  CHECK(config::load_settings(proj).remotes.size() == 1);
}

TEST_CASE("config: odd mlops.yaml layouts are edited correctly or refused untouched", "[config]") {
  const Env env;
  const std::vector<std::string> layouts = {
      "remotes: ~\n",
      "remotes: {}\n",
      "remotes: {}  # none yet\nschema: 1\n",
      "remotes:\n  a: {url: 'oci://h/a'}\n  b:\n    url: >-\n      oci://h/b\n",
      "remotes:\n- a\n",
      "remotes:\n  a:\n    url: oci://h/a\n...\n",
      "schema: 1\n---\nremotes: {}\n",
      "remotes: &r\n  a: {url: 'oci://h/a'}\nother: *r\n",
      "remotes:\n  a: {url: 'oci://h/a'}\nremotes:\n  b: {url: 'oci://h/b'}\n",
      "default_remote: a\nremotes:\n  a: {url: 'oci://h/a'}\n",
      "default_remote: >\n  a\nremotes:\n  a: {url: 'oci://h/a'}\n",
      "\"remotes\":\n  \"a\": {url: 'oci://h/a'}\n",
      "? remotes\n: a: {url: 'oci://h/a'}\n",
      "{remotes: {a: {url: 'oci://h/a'}}, schema: 1}\n",
      "schema: 1",
      "# only a comment",
      "remotes:\n  a:\n    url: oci://h/a\n  # trailing comment\n# top comment\n",
  };
  for (const auto& text : layouts) {
    INFO(text);
    for (const bool remove : {false, true}) {
      const auto proj = env.project(text);
      bool ok = true;
      try {
        if (remove) {
          config::remove_remote(proj, "a");
        } else {
          config::add_remote(proj, "z", "file:///srv/z", true);
        }
      } catch (const Error& e) {
        ok = false;
        CHECK(fs::read_file(proj / "mlops.yaml") == text);  // refused: nothing written
        CHECK((e.kind() == ErrorKind::invalid_input || e.kind() == ErrorKind::not_found));
      }
      if (ok) {
        const auto s = config::load_settings(proj);
        bool has_z = false, has_a = false;
        for (const auto& r : s.remotes) {
          has_z = has_z || r.name == "z";
          has_a = has_a || r.name == "a";
        }
        if (remove) {
          CHECK_FALSE(has_a);
        } else {
          CHECK(has_z);
          CHECK(s.default_remote == "z");
        }
      }
    }
  }
}
