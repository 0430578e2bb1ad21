// SPDX-License-Identifier: MIT
#include "git/repo.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <utility>
#include <vector>

#include "test_shell.hpp"

#include <cstdio>
#include <cstdlib>

using namespace mlops;
namespace stdfs = std::filesystem;

namespace {

using mlops::test::sh;

struct Identity {
  Identity() {
    ::setenv("GIT_AUTHOR_NAME", "Unit Test", 1);
    ::setenv("GIT_AUTHOR_EMAIL", "unit@example.com", 1);
    ::setenv("GIT_COMMITTER_NAME", "Unit Test", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "unit@example.com", 1);
  }
};

}  // namespace

TEST_CASE("init_and_commit_all commits everything not ignored", "[git]") {
  Identity id;
  fs::TempDir tmp;
  const auto dir = tmp.path() / "p";
  stdfs::create_directories(dir / "data");
  fs::write_file_atomic(dir / ".gitignore", "data/*\n");
  fs::write_file_atomic(dir / "a.txt", "a\n");
  fs::write_file_atomic(dir / "data" / "big.csv", "x\n");
  const git::Commit c = git::init_and_commit_all(dir, "first\n");
  CHECK(c.id.size() == 40);
  CHECK(sh("git -C " + dir.string() + " rev-parse HEAD") == c.id);
  CHECK(sh("git -C " + dir.string() + " ls-files") == ".gitignore\na.txt");
  CHECK(sh("git -C " + dir.string() + " status --porcelain").empty());
}

TEST_CASE("commit_paths adds only the given paths and keeps other staged work staged", "[git]") {
  Identity id;
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  sh("git init -q " + r + " && cd " + r + " && echo one > keep.txt && git add keep.txt && git commit -qm base");
  const std::string base = sh("git -C " + r + " rev-parse HEAD");
  sh("cd " + r + " && echo two >> keep.txt && git add keep.txt");  // staged, not ours
  stdfs::create_directories(tmp.path() / "sub");
  fs::write_file_atomic(tmp.path() / "sub" / "new.txt", "new\n");
  const auto c = git::commit_paths(tmp.path(), {"sub/new.txt"}, "add sub\n");
  REQUIRE(c.has_value());
  CHECK(sh("git -C " + r + " rev-parse HEAD~1") == base);
  CHECK(sh("git -C " + r + " show --name-only --format= HEAD") == "sub/new.txt");
  CHECK(sh("git -C " + r + " diff --cached --name-only") == "keep.txt");  // still staged
  CHECK(sh("git -C " + r + " show HEAD:keep.txt") == "one");

  // The same paths again, unchanged: no empty commit.
  const std::string head = sh("git -C " + r + " rev-parse HEAD");
  const auto again = git::commit_paths(tmp.path(), {"sub/new.txt"}, "add sub\n");
  REQUIRE(again.has_value());
  CHECK(again->unchanged);
  CHECK(again->id == head);
  CHECK(sh("git -C " + r + " rev-parse HEAD") == head);
}

TEST_CASE("commit_paths declines on a detached HEAD", "[git]") {
  Identity id;
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  sh("git init -q " + r + " && cd " + r + " && git commit -q --allow-empty -m a && git checkout -q --detach");
  fs::write_file_atomic(tmp.path() / "f", "x");
  CHECK_FALSE(git::commit_paths(tmp.path(), {"f"}, "m").has_value());
}

TEST_CASE("fetch_tree reads a ref from a local repository without checkout", "[git]") {
  Identity id;
  fs::TempDir tmp;
  const std::string r = (tmp.path() / "src").string();
  sh("git init -q " + r + " && cd " + r +
     " && printf 'x' > f && chmod +x f && ln -s f l && git add . && git commit -qm a && git tag v1 && "
     "echo y > g && git add g && git commit -qm b");
  const auto t = git::fetch_tree("file://" + r, "v1", tmp.path() / "w1");
  CHECK(t.commit == sh("git -C " + r + " rev-parse v1"));
  REQUIRE(t.files.size() == 2);
  CHECK(t.files[0].path == "f");
  CHECK(t.files[0].executable);
  CHECK(t.files[1].kind == git::TreeFile::Kind::symlink);
  CHECK(t.files[1].content == "f");
  CHECK_THROWS_AS(git::fetch_tree("file://" + r, "no-such-ref", tmp.path() / "w2"), Error);

  // HEAD, a branch, an annotated tag, a full ref name and an abbreviated commit id.
  sh("cd " + r + " && git tag -a -m annotated v2 HEAD~1 && git branch -q side HEAD~1");
  const std::string first = sh("git -C " + r + " rev-parse HEAD~1"), head = sh("git -C " + r + " rev-parse HEAD");
  int n = 0;
  for (const auto& [ref, want] : std::vector<std::pair<std::string, std::string>>{
           {"", head}, {"side", first}, {"v2", first}, {"refs/heads/side", first}, {first.substr(0, 10), first}, {head, head}}) {
    INFO(ref);
    CHECK(git::fetch_tree("file://" + r, ref, tmp.path() / ("w" + std::to_string(3 + n++))).commit == want);
  }
  // The URL is written nowhere in the work directory (it may hold a password).
  CHECK(sh("grep -r -l -F " + r + " " + (tmp.path() / "w1").string() + " || true").empty());
}

TEST_CASE("pathspecs follow git's wildmatch", "[git]") {
  git::Pathspec p({"*.png", "data/**"});
  CHECK(p.matches("a.png"));
  CHECK(p.matches("img/b.png"));
  CHECK(p.matches("data/x/y.csv"));
  CHECK_FALSE(p.matches("a.txt"));
  git::Pathspec none({});
  CHECK_FALSE(none.matches("a"));
}
