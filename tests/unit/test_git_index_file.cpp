// SPDX-License-Identifier: MIT
#include "git/index_file.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include "test_shell.hpp"

#include <string>

using namespace mlops;
using namespace mlops::git;
using mlops::test::sh;

namespace {

std::string hex(const RawOid& id) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (const unsigned char c : id) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

// `git ls-files -s` as parse_index sees it: "<mode> <oid> <stage>\t<path>" per line.
std::string ls_files(const IndexFile& index) {
  std::string out;
  char mode[16];
  for (const auto& e : index.entries) {
    std::snprintf(mode, sizeof mode, "%06o", e.mode);
    out += std::string(mode) + " " + hex(e.oid) + " " + std::to_string(e.stage) + "\t" + e.path + "\n";
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::string index_bytes(const std::string& r) { return fs::read_file(r + "/.git/index"); }

void expect_corrupt(std::string bytes, const std::string& what) {
  INFO(what);
  try {
    (void)parse_index(bytes);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
  }
}

}  // namespace

TEST_CASE("index versions 2, 3 and 4 read as git lists them", "[git][index]") {
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  sh("git init -q " + r + " && cd " + r +
     " && mkdir -p src/deep && echo a > src/a.py && echo b > src/deep/b.py && echo c > c "
     "&& printf '#!/bin/sh\\n' > x.sh && chmod +x x.sh && ln -s c link && git add -A");
  for (const char* version : {"2", "3", "4"}) {
    INFO("version " << version);
    sh("cd " + r + " && git update-index --index-version " + version);
    const IndexFile index = parse_index(index_bytes(r));
    // git writes version 2 when asked for 3 and no entry needs extended flags.
    CHECK(index.version == (std::string(version) == "3" ? 2u : static_cast<std::uint32_t>(std::stoi(version))));
    CHECK(ls_files(index) == sh("git -C " + r + " ls-files -s"));
  }
  sh("cd " + r + " && git update-index --index-version 2 && echo n > new && git add -N new");
  const IndexFile ita = parse_index(index_bytes(r));
  REQUIRE(ita.entries.size() == 6);
  CHECK(ita.version == 3);  // the intent-to-add flag is an extended one
  CHECK(ita.entries[2].path == "new");
  CHECK(ita.entries[2].intent_to_add);
  CHECK_FALSE(ita.entries[0].intent_to_add);
}

TEST_CASE("the cached trees of the index are the trees git wrote", "[git][index]") {
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  sh("git init -q " + r + " && cd " + r +
     " && mkdir -p a/b d && echo 1 > a/b/f && echo 2 > a/g && echo 3 > d/h && echo 4 > top "
     "&& git add -A && git write-tree >/dev/null");
  const IndexFile index = parse_index(index_bytes(r));
  REQUIRE(index.trees.size() == 4);
  for (const auto& t : index.trees) {
    INFO(t.path);
    CHECK(t.entry_count >= 0);
    CHECK(hex(t.oid) == sh("cd " + r + " && git rev-parse $(git write-tree):" + t.path));
  }
  sh("cd " + r + " && echo 5 > a/b/new && git add a/b/new");  // invalidates a/b, a and the root
  const IndexFile after = parse_index(index_bytes(r));
  for (const auto& t : after.trees) {
    INFO(t.path);
    CHECK((t.entry_count < 0) == (t.path.empty() || t.path == "a" || t.path == "a/b"));
  }
}

TEST_CASE("an index git could not have written is refused, not misread", "[git][index]") {
  fs::TempDir tmp;
  const std::string r = tmp.path().string();
  sh("git init -q " + r + " && cd " + r + " && echo a > a && mkdir d && echo b > d/b && git add -A && git write-tree >/dev/null");
  const std::string good = index_bytes(r);
  REQUIRE_NOTHROW(parse_index(good));
  expect_corrupt("", "empty");
  expect_corrupt(good.substr(0, 30), "cut in the header");
  expect_corrupt(good.substr(0, good.size() / 2), "cut in an entry");
  std::string sig = good;
  sig[0] = 'X';
  expect_corrupt(sig, "signature");
  std::string version = good;
  version[7] = 9;
  expect_corrupt(version, "version 9");
  std::string count = good;
  count[8] = '\x7f';
  expect_corrupt(count, "more entries than bytes");
  // The first path is "a" at offset 12 + 62: make it "..", ".git" and "/x" (same lengths kept
  // by changing the name length in the flags too).
  std::string dotdot = good;
  dotdot.replace(12 + 62, 1, "..");
  dotdot.erase(12 + 62 + 2, 1);  // keep the padding length: "a\0" + 6 NULs becomes "..\0" + 5
  dotdot[12 + 61] = 2;
  expect_corrupt(dotdot, "'..' as a path");
  std::string mode = good;
  mode[12 + 24 + 2] = '\x7f';
  expect_corrupt(mode, "a mode git never writes");
}
