// SPDX-License-Identifier: MIT
#include "exp/store.hpp"

#include <mlops/error.hpp>
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
  sh("git init -q " + r + " && cd " + r +
     " && printf one > a.txt && printf two > b.txt && printf keep > k.txt && mkdir d && printf x > d/x "
     "&& git add . && git -c user.name=u -c user.email=u@x commit -qm base");
  const std::string index_before = sh("sha256sum " + r + "/.git/index");
  sh("cd " + r +
     " && printf ONE-CHANGED > a.txt && rm b.txt && printf new > c.txt && git add c.txt && printf ignored-untracked > u.txt "
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
  sh("git init -q " + r + " && cd " + r +
     " && printf one > a.txt && git add . && git -c user.name=u -c user.email=u@x commit -qm base "
     "&& touch a.txt");  // a touched file with the same content is not a change
  Repo repo = open_repo(tmp.path());
  const Snapshot s = snapshot(repo, false, "test\n");
  CHECK_FALSE(s.dirty);
  CHECK(s.commit == s.baseline);
  CHECK(s.changed.empty());
}

namespace {

// What git itself makes of the working tree: `git add` into a copy of the index, then
// `git write-tree`. A snapshot's tree must be exactly this. The copy keeps the index's mtime:
// git, like a snapshot, re-reads files written in the same instant as the index.
std::string git_tree_of_worktree(const std::string& r, const std::string& add = "-u") {
  return sh("cd " + r + " && i=$(git rev-parse --git-path index) && cp -p \"$i\" \"$i.test\" && GIT_INDEX_FILE=\"$i.test\" git add " + add +
            " && GIT_INDEX_FILE=\"$i.test\" git write-tree && rm \"$i.test\"");
}

std::string snapshot_tree(const std::string& r, bool include_untracked = false) {
  Repo repo = open_repo(r);
  const Snapshot s = snapshot(repo, include_untracked, "test\n");
  return sh("git -C " + r + " rev-parse " + s.commit + "^{tree}");
}

void make_repo(const std::string& r, const std::string& setup) {
  sh("git init -q " + r + " && cd " + r + " && " + setup + " && git add -A && git -c user.name=u -c user.email=u@x commit -qm base");
}

}  // namespace

TEST_CASE("a snapshot's tree is the one git writes after adding the working tree", "[snapshot]") {
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  make_repo(r,
            "mkdir -p a/b/c d e x && for f in a/1 a/b/2 a/b/c/3 d/4 e/5 x/6 top 'sp ace' a.b; do echo $f > \"$f\"; done "
            "&& printf '#!/bin/sh\\n' > run.sh && ln -s a/1 link");
  const std::string unchanged = snapshot_tree(r);
  CHECK(unchanged == sh("git -C " + r + " rev-parse HEAD^{tree}"));

  SECTION("edits deep and shallow, a deleted directory, a mode change, a retargeted link") {
    sh("cd " + r + " && echo more >> a/b/c/3 && echo more >> top && rm -r e && chmod +x run.sh && ln -sfn d/4 link");
    CHECK(snapshot_tree(r) == git_tree_of_worktree(r));
  }
  SECTION("a file replaced by a directory and a directory emptied") {
    sh("cd " + r + " && rm top && mkdir top && echo in > top/f && rm x/6");
    CHECK(snapshot_tree(r) == git_tree_of_worktree(r));  // top/f is untracked: left out, as git add -u does
  }
  SECTION("untracked files, asked for") {
    sh("cd " + r + " && mkdir -p new/deep && echo n > new/deep/n && echo u > a/b/u && echo ignored > i.log && echo '*.log' > .gitignore");
    CHECK(snapshot_tree(r, true) == git_tree_of_worktree(r, "-A"));
  }
  SECTION("staged but not committed changes, then edited again") {
    sh("cd " + r + " && echo staged >> d/4 && git add d/4 && echo again >> d/4 && echo staged-only >> a/1 && git add a/1");
    CHECK(snapshot_tree(r) == git_tree_of_worktree(r));
  }
  SECTION("an intent-to-add file and an index in version 4") {
    sh("cd " + r + " && echo later > later && git add -N later && git update-index --index-version 4 && echo more >> a/b/2");
    CHECK(snapshot_tree(r) == git_tree_of_worktree(r));
  }
  SECTION("a file whose edit keeps its size and time is still seen (racy clean)") {
    sh("cd " + r +
       " && printf 'd/5\\n' > d/4.tmp && touch -r d/4 d/4.tmp && mv d/4.tmp d/4 && git update-index --refresh >/dev/null; "
       "printf 'D/4\\n' > d/4.new && touch -r d/4 d/4.new && mv d/4.new d/4");
    CHECK(snapshot_tree(r) == git_tree_of_worktree(r));
  }
  SECTION("core.fileMode false: the executable bit of the file system is not trusted") {
    sh("cd " + r +
       " && chmod +x run.sh && git add run.sh && git config core.fileMode false "
       "&& chmod -x run.sh && chmod +x top && echo more >> top && echo more >> run.sh");
    const std::string tree = snapshot_tree(r);
    CHECK(tree == git_tree_of_worktree(r));
    CHECK(sh("git -C " + r + " ls-tree " + tree + " run.sh top | cut -c1-6 | tr '\n' ' '") == "100755 100644 ");  // as the index has them
  }
  SECTION("sparse checkout: files outside the cone are not deletions") {
    sh("cd " + r + " && git sparse-checkout set --no-cone '/a/' '/top' >/dev/null 2>&1 && test ! -e d/4 && echo more >> a/1");
    const std::string tree = snapshot_tree(r);
    CHECK(tree == git_tree_of_worktree(r));
    CHECK(sh("git -C " + r + " ls-tree -r --name-only " + tree + " | grep -c '^d/4$'") == "1");
  }
}

TEST_CASE("a snapshot applies git's filters where attributes or autocrlf ask for them", "[snapshot]") {
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  make_repo(r, "mkdir sub && printf 'a\\n' > sub/t.txt && printf 'b\\n' > plain.txt && printf '*.txt text eol=lf\\n' > sub/.gitattributes");
  sh("cd " + r + " && printf 'a\\r\\nb\\r\\n' > sub/t.txt && printf 'c\\r\\n' > plain.txt");
  CHECK(snapshot_tree(r) == git_tree_of_worktree(r));
  // The attributes file converts sub/t.txt only: plain.txt keeps its CR.
  Repo repo = open_repo(r);
  const Snapshot s = snapshot(repo, false, "test\n");
  CHECK(sh("git -C " + r + " cat-file -p " + s.commit + ":sub/t.txt | od -c | head -1 | tr -s ' '") == "0000000 a \\n b \\n");
  CHECK(sh("git -C " + r + " cat-file -p " + s.commit + ":plain.txt | od -c | head -1 | tr -s ' '") == "0000000 c \\r \\n");

  sh("cd " + r + " && git config core.autocrlf input");
  CHECK(snapshot_tree(r) == git_tree_of_worktree(r));
  Repo reopened = open_repo(r);  // a command reads the configuration when it starts
  const Snapshot a = snapshot(reopened, false, "test\n");
  CHECK(sh("git -C " + r + " cat-file -p " + a.commit + ":plain.txt | od -c | head -1 | tr -s ' '") == "0000000 c \\n");
}

TEST_CASE("a snapshot refuses an index git could not have written, and one it cannot read", "[snapshot]") {
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  make_repo(r, "echo 1 > f");
  sh("cd " + r + " && git update-index --split-index");
  Repo repo = open_repo(r);
  try {
    (void)snapshot(repo, false, "test\n");
    FAIL("a split index was read");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(std::string(e.what()).find("split index") != std::string::npos);
    CHECK(e.hint().find("--no-split-index") != std::string::npos);
  }
  sh("cd " + r + " && git update-index --no-split-index && head -c 40 .git/index > .git/index.cut && mv .git/index.cut .git/index");
  CHECK_THROWS_AS(snapshot(repo, false, "test\n"), Error);
}

TEST_CASE("a snapshot in a linked worktree reads that worktree's index", "[snapshot]") {
  fs::TempDir tmp;
  const std::string r = tmp.path().string() + "/main", w = tmp.path().string() + "/linked";
  make_repo(r, "echo a > a");
  sh("cd " + r + " && git worktree add -q " + w + " -b other && cd " + w +
     " && echo b > b && git add b && "
     "git -c user.name=u -c user.email=u@x commit -qm b && echo changed > b");
  const std::string tree = snapshot_tree(w);
  CHECK(tree == git_tree_of_worktree(w));
  CHECK(sh("git -C " + w + " ls-tree --name-only " + tree + " | tr '\\n' ' '") == "a b ");
}
