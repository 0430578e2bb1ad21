// SPDX-License-Identifier: MIT
// The ignore rules of package build against git itself: for each pattern, a repository whose
// t/.gitignore holds it, and `git check-ignore` asked about every path of a tree; Exclusions
// must say the same for each, walking the tree as the build does.
#include "package/ignore.hpp"

#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

using namespace mlops;
using namespace mlops::package;
namespace stdfs = std::filesystem;

namespace {

// Files; directories are what they need.
const std::vector<std::string> k_files = {"x.py",
                                          "a/x.py",
                                          "foo",
                                          "dir/foo/bar",
                                          "dir/foo2",
                                          "a/b",
                                          "a/bc/c",
                                          "a/x/c",
                                          "a/x/y/c",
                                          "doc/a.txt",
                                          "doc/sub/a.txt",
                                          "doc/sub/b.pdf",
                                          "doc/b.pdf",
                                          "build/out.o",
                                          "src/build/x",
                                          "abc",
                                          "a1",
                                          "1a",
                                          "#x",
                                          "!y",
                                          "a*b",
                                          "axb",
                                          "z",
                                          "q/z",
                                          "x/y/z",
                                          "]x",
                                          "-z",
                                          "az",
                                          "spaces ",
                                          "trailing",
                                          "lit[",
                                          "e.o",
                                          "e.a",
                                          "d",
                                          "ad",
                                          "cd",
                                          "A.PY",
                                          "Foo",
                                          "deep/a/b/c/d.py",
                                          "m/a/n/b",
                                          "m/ab",
                                          "\\",
                                          "[x",
                                          "ba",
                                          "bza"};

const std::vector<std::string> k_patterns = {"*.py",
                                             "foo",
                                             "/foo",
                                             "foo/",
                                             "a/b",
                                             "a/*/c",
                                             "a/**/c",
                                             "**/foo",
                                             "foo/**",
                                             "**",
                                             "*",
                                             "a?c",
                                             "[abc].py",
                                             "[!a]*.py",
                                             "[^a]x",
                                             "[a-c]d",
                                             "[[:digit:]]*",
                                             "[[:alpha:]][[:alnum:]]",
                                             "\\#x",
                                             "\\!y",
                                             "a\\*b",
                                             "*.[oa]",
                                             "doc/*.txt",
                                             "doc/**/*.pdf",
                                             "**/build/",
                                             "x/**/",
                                             "a**b",
                                             "**a",
                                             "*/x",
                                             "a/**",
                                             "[]]x",
                                             "[!]]x",
                                             "[a-]z",
                                             "*[",
                                             "lit[",
                                             "spaces\\ ",
                                             "trailing   ",
                                             "!neg",
                                             "[[:foo:]]",
                                             "***",
                                             "a/**/**/c",
                                             "/**/z",
                                             "**/",
                                             "\\\\",
                                             "[\\]]x",
                                             "deep/**/d.py",
                                             "m/**/b",
                                             "m/a*",
                                             "b*a",
                                             "[[:upper:]]*",
                                             "/a/",
                                             "doc/",
                                             "*/",
                                             "x/y",
                                             "#comment",
                                             "",
                                             "\\",
                                             "a/b/",
                                             "[a-c",
                                             "[[:alpha:]",
                                             "**/b/**",
                                             "a/**/",
                                             "?",
                                             "??",
                                             "*z*",
                                             "[z-a]q",
                                             "[!",
                                             "d/",
                                             "doc/sub"};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Repo {
  fs::TempDir tmp;
  stdfs::path root = tmp.path() / "repo";
  std::vector<std::pair<std::string, bool>> paths;  // every file and directory under t/, with is_dir

  explicit Repo(bool icase) {
    stdfs::create_directories(root / "t");
    REQUIRE(std::system(("git init -q " + shell_quote(root.string())).c_str()) == 0);
    if (icase) REQUIRE(std::system(("git -C " + shell_quote(root.string()) + " config core.ignorecase true").c_str()) == 0);
    std::set<std::string> dirs;
    for (const auto& f : k_files) {
      const stdfs::path p = root / "t" / f;
      stdfs::create_directories(p.parent_path());
      std::ofstream(p) << "x";
      paths.emplace_back("t/" + f, false);
      for (auto slash = f.find('/'); slash != std::string::npos; slash = f.find('/', slash + 1)) dirs.insert("t/" + f.substr(0, slash));
    }
    for (const auto& d : dirs) paths.emplace_back(d, true);
  }

  // git's verdict for every path: true = ignored.
  std::map<std::string, bool> git_says(const std::string& pattern) {
    { std::ofstream(root / "t" / ".gitignore") << pattern << "\n"; }
    const stdfs::path in = tmp.path() / "paths", out = tmp.path() / "out";
    {
      std::ofstream f(in);
      for (const auto& [p, dir] : paths) f << p << '\0';
    }
    const std::string cmd = "git -C " + shell_quote(root.string()) + " check-ignore --no-index -v -n -z --stdin <" +
                            shell_quote(in.string()) + " >" + shell_quote(out.string());
    const int rc = std::system(cmd.c_str());
    REQUIRE((rc == 0 || WEXITSTATUS(rc) == 1));
    // -z: source NUL line NUL pattern NUL path NUL, per path.
    const std::string text = fs::read_file(out);
    std::vector<std::string> fields;
    std::size_t pos = 0;
    while (pos < text.size()) {
      const auto nul = text.find('\0', pos);
      fields.push_back(text.substr(pos, nul - pos));
      pos = nul + 1;
    }
    REQUIRE(fields.size() % 4 == 0);
    std::map<std::string, bool> verdict;
    for (std::size_t i = 0; i < fields.size(); i += 4) {
      const std::string& pat = fields[i + 2];
      verdict[fields[i + 3]] = !pat.empty() && pat[0] != '!';
    }
    return verdict;
  }

  // Ours, walking down as the build does: a directory left out takes everything below.
  std::map<std::string, bool> we_say() const {
    const Exclusions ex(root);
    std::map<std::string, bool> verdict;
    for (const auto& [path, is_dir] : paths) {
      auto level = ex.listed("t", true);
      bool ignored = false;
      std::string walked = "t";
      const std::string rest = path.substr(2);
      std::size_t pos = 0;
      for (;;) {
        const auto slash = rest.find('/', pos);
        const std::string rel = walked + "/" + rest.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
        const bool dir = slash != std::string::npos || is_dir;
        if (ex.excluded(level, rel, dir)) {
          ignored = true;
          break;
        }
        if (slash == std::string::npos) break;
        level = ex.enter(level, rel);
        walked = rel;
        pos = slash + 1;
      }
      verdict[path] = ignored;
    }
    return verdict;
  }
};

void compare(bool icase) {
  Repo repo(icase);
  for (const auto& pattern : k_patterns) {
    const auto git = repo.git_says(pattern);
    const auto ours = repo.we_say();
    for (const auto& [path, is_dir] : repo.paths) {
      INFO("pattern '" << pattern << "', path '" << path << "'" << (is_dir ? " (a directory)" : "") << (icase ? ", ignorecase" : ""));
      REQUIRE(git.count(path) == 1);
      CHECK(ours.at(path) == git.at(path));
    }
  }
}

}  // namespace

TEST_CASE("ignore rules: each pattern ignores exactly what git check-ignore says", "[package][ignore]") { compare(false); }

TEST_CASE("ignore rules: the same with core.ignoreCase", "[package][ignore]") { compare(true); }

TEST_CASE("ignore rules: wildmatch corner cases", "[package][ignore]") {
  CHECK(wildmatch("a/**/c", "a/c"));
  CHECK(wildmatch("a/**/c", "a/x/y/c"));
  CHECK_FALSE(wildmatch("a/*/c", "a/x/y/c"));
  CHECK(wildmatch("**", "a/b/c"));
  CHECK_FALSE(wildmatch("*", "a/b"));
  CHECK(wildmatch("[[:digit:]]x", "1x"));
  CHECK_FALSE(wildmatch("[!a]", "/"));
  CHECK_FALSE(wildmatch("abc\\", "abc\\"));  // a lone trailing '\' matches nothing
  // Hostile patterns stay fast: many stars against a long name that never matches.
  const std::string stars = [] {
    std::string s;
    for (int i = 0; i < 200; ++i) s += "*a";
    return s + "b";
  }();
  CHECK_FALSE(wildmatch(stars, std::string(4000, 'a')));
  CHECK_FALSE(wildmatch("**/**/**/**/**/**/**/**/**/**/**/**/x", std::string(200, 'a') + "/" + std::string(200, 'b')));
  // Found by fuzz_package_ignore: stars, then a chain of "**/", then stars again.
  std::string chain = "aa";
  for (int i = 0; i < 40; ++i) chain += "*a";
  for (int i = 0; i < 12; ++i) chain += "**/";
  for (int i = 0; i < 40; ++i) chain += "*a";
  CHECK_FALSE(wildmatch(chain, std::string(70, 'a')));
  CHECK(wildmatch("**/**/**/x", "a/b/x"));
  CHECK(wildmatch("a/**/**/c", "a/c"));
}

TEST_CASE("ignore rules: file syntax", "[package][ignore]") {
  const IgnoreFile f = parse_ignore_file("\xEF\xBB\xBF# comment\n\n*.pyc  \nfoo\\ \n!keep.pyc\r\n/root/\nsub/x\n\\#hash\n", "", "t");
  REQUIRE(f.patterns.size() == 6);
  CHECK(f.patterns[0].pattern == "*.pyc");
  CHECK(f.patterns[0].line == 3);
  CHECK(f.patterns[1].pattern == "foo\\ ");
  CHECK(f.patterns[2].negated);
  CHECK(f.patterns[2].pattern == "keep.pyc");
  CHECK(f.patterns[3].dir_only);
  CHECK(f.patterns[3].anchored);
  CHECK(f.patterns[3].pattern == "root");
  CHECK(f.patterns[4].anchored);
  CHECK_FALSE(f.patterns[0].anchored);
  CHECK(f.patterns[5].pattern == "\\#hash");
}
