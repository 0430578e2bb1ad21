// SPDX-License-Identifier: MIT
#include "scaffold/links.hpp"

#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

using namespace mlops;
using namespace mlops::scaffold;

namespace {

// A project with the given links and files (paths relative to the root).
ProjectEntries project(std::initializer_list<std::pair<const char*, const char*>> links, std::initializer_list<const char*> files = {}) {
  ProjectEntries e;
  for (const auto& [path, target] : links) {
    e.links[path] = target;
    add_parents(e, path);
  }
  for (const char* f : files) {
    e.files.insert(f);
    add_parents(e, f);
  }
  return e;
}

bool inside(const ProjectEntries& e, const std::string& link) { return !link_problem(e, link).has_value(); }

}  // namespace

TEST_CASE("links to files, directories and dangling names inside the project are fine", "[links]") {
  const auto e = project({{"GUIDE.md", "docs/guide.md"},
                          {"docs/base.yaml", "../config/base.yaml"},
                          {"documentation", "docs"},
                          {"self", "."},
                          {"later", "docs/not-yet.md"},
                          {"up", "docs/.."},
                          {"trailing", "docs/"}},
                         {"docs/guide.md", "config/base.yaml"});
  for (const char* l : {"GUIDE.md", "docs/base.yaml", "documentation", "self", "later", "up", "trailing"}) {
    INFO(l);
    CHECK(inside(e, l));
  }
}

TEST_CASE("links leaving the project root, absolute or empty are outside", "[links]") {
  auto e = project({{"a", "../x"}, {"sub/b", "../../x"}, {"c", "/etc/passwd"}, {"d", ""}, {"e", "sub/../../x"}}, {"sub/f"});
  e.links["nul"] = std::string("nul\0/../../x", 12);  // symlink(2) would see "nul", a loop
  e.links["esc"] = "f\x1b[2K";
  for (const char* l : {"a", "sub/b", "c", "d", "e", "nul", "esc"}) {
    INFO(l);
    CHECK_FALSE(inside(e, l));
  }
}

TEST_CASE("a chain of links is followed step by step, not lexically", "[links]") {
  // sub/z -> .. makes every "sub/z" the root: lexically inside, really eight levels up.
  auto e = project({{"sub/z", ".."}, {"evil", "sub/z/sub/z/sub/z/sub/z/../../../../../../../../etc/passwd"}});
  REQUIRE(inside(e, "sub/z"));
  const auto problem = link_problem(e, "evil");
  REQUIRE(problem);
  CHECK(problem->find("outside the project") != std::string::npos);

  e = project({{"up", "."}, {"out", "up/.."}});  // "up" is the root, so up/.. is its parent
  CHECK_FALSE(inside(e, "out"));
  e = project({{"a/b", "../c"}, {"c", "a/b/d"}}, {"d/x"});  // c -> a/b/d -> c/d -> a/b/d/d...
  CHECK_FALSE(inside(e, "c"));
  e = project({{"a", "b/x"}, {"b", "sub"}}, {"sub/x"});
  CHECK(inside(e, "a"));
}

TEST_CASE("loops, too many hops and paths through missing names or files cannot be resolved", "[links]") {
  auto e = project({{"a", "b"}, {"b", "a"}, {"self", "self"}, {"c", "a/x"}});
  for (const char* l : {"a", "b", "self", "c"}) {
    INFO(l);
    const auto problem = link_problem(e, l);
    REQUIRE(problem);
    CHECK(problem->find("cannot be resolved") != std::string::npos);
  }
  e = project({{"l0", "l1"}});
  for (int i = 1; i < 45; ++i) e.links["l" + std::to_string(i)] = "l" + std::to_string(i + 1);
  CHECK_FALSE(inside(e, "l0"));  // 45 links in a row
  CHECK(inside(e, "l30"));       // 15

  e = project({{"through-missing", "nowhere/../.."}, {"through-file", "f/.."}, {"missing-dir", "nowhere/x"}}, {"f"});
  for (const char* l : {"through-missing", "through-file", "missing-dir"}) {
    INFO(l);
    CHECK_FALSE(inside(e, l));
  }
}

TEST_CASE("links into .git are refused in any case", "[links]") {
  const auto e = project({{"hooks", ".git/hooks"}, {"cfg", ".GIT/config"}, {"via", "d/../.Git"}, {"sub/g", "../d/.git"}}, {"d/f"});
  for (const char* l : {"hooks", "cfg", "via", "sub/g"}) {
    INFO(l);
    const auto problem = link_problem(e, l);
    REQUIRE(problem);
    CHECK(*problem == "points into .git");
  }
}

TEST_CASE("an existing target's own entries are part of the project (--force)", "[links]") {
  fs::TempDir tmp;
  const auto root = tmp.path() / "proj";
  std::filesystem::create_directories(root / "data" / "raw");
  std::filesystem::create_directory(tmp.path() / "outside");
  std::filesystem::create_directory_symlink("../../outside", root / "data" / "escape");
  std::filesystem::create_directory_symlink("raw", root / "data" / "current");

  auto e = project({{"a", "data/escape/x"}, {"b", "data/current/file"}, {"c", "data/raw/../../../outside"}, {"d", "data/nothing/x"}});
  e.existing = root;
  CHECK_FALSE(inside(e, "a"));  // through the user's link that leads outside
  CHECK(inside(e, "b"));        // through the user's link that stays inside
  CHECK_FALSE(inside(e, "c"));
  CHECK_FALSE(inside(e, "d"));

  // A planned entry replaces the existing one of the same name.
  e.links["data/escape"] = "raw";
  add_parents(e, "data/escape");
  CHECK(inside(e, "a"));
}
