// SPDX-License-Identifier: MIT
#include "exp/store.hpp"

#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include "test_shell.hpp"

#include <cstdio>
#include <cstdlib>

using namespace mlops;
using namespace mlops::exp;

namespace {

using mlops::test::sh;

}  // namespace

TEST_CASE("a snapshot holds the tracked files as they are in the working tree", "[snapshot]") {
  ::setenv("GIT_AUTHOR_NAME", "Unit Test", 1);
  ::setenv("GIT_AUTHOR_EMAIL", "unit@example.com", 1);
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  sh("git init -q " + r + " && cd " + r + " && printf one > a.txt && printf two > b.txt && printf keep > k.txt && mkdir d && printf x > d/x "
     "&& git add . && git -c user.name=u -c user.email=u@x commit -qm base");
  const std::string index_before = sh("sha256sum " + r + "/.git/index");
  sh("cd " + r + " && printf ONE-CHANGED > a.txt && rm b.txt && printf new > c.txt && git add c.txt && printf ignored-untracked > u.txt "
     "&& printf staged > k.txt && git add k.txt && printf unstaged-too > k.txt");
  const std::string index_after_edits = sh("sha256sum " + r + "/.git/index");

  Repo repo = open_repo(tmp.path());
  const Snapshot s = snapshot(repo, false, "test\n");
  CHECK(s.dirty);
  CHECK(s.baseline == sh("git -C " + r + " rev-parse HEAD"));
  CHECK(sh("git -C " + r + " show " + s.commit + ":a.txt") == "ONE-CHANGED");
  CHECK(sh("git -C " + r + " show " + s.commit + ":k.txt") == "unstaged-too");  // the working tree wins over the index
  CHECK(sh("git -C " + r + " show " + s.commit + ":c.txt") == "new");
  CHECK(sh("git -C " + r + " show " + s.commit + ":d/x") == "x");
  CHECK(sh("git -C " + r + " ls-tree --name-only -r " + s.commit + " | tr '\\n' ' '") == "a.txt c.txt d/x k.txt ");  // no b.txt, no u.txt
  CHECK(sh("git -C " + r + " rev-parse " + s.commit + "^") == s.baseline);
  CHECK(sh("sha256sum " + r + "/.git/index") == index_after_edits);  // the user's index is untouched

  const Snapshot u = snapshot(repo, true, "test\n");
  CHECK(sh("git -C " + r + " show " + u.commit + ":u.txt") == "ignored-untracked");
  (void)index_before;
}

TEST_CASE("a clean working tree snapshots as HEAD itself", "[snapshot]") {
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  sh("git init -q " + r + " && cd " + r + " && printf one > a.txt && git add . && git -c user.name=u -c user.email=u@x commit -qm base "
     "&& touch a.txt");  // a touched file with the same content is not a change
  Repo repo = open_repo(tmp.path());
  const Snapshot s = snapshot(repo, false, "test\n");
  CHECK_FALSE(s.dirty);
  CHECK(s.commit == s.baseline);
  CHECK(s.changed.empty());
}
