// SPDX-License-Identifier: MIT
// .gitignore and .mlopsignore files come with the project (a cloned repository, a template):
// any text must parse, and matching any pattern against any path must end quickly (git's
// wildmatch backtracks; a hostile pattern must not make it exponential) and agree with
// itself: a pattern without special characters matches exactly its own text. ("//x" keeps
// one '/' after the anchor, as in git, and then matches no relative path.)
//
// Input: the first line is a path (relative, '/'-separated), the rest an ignore file.
#include "package/ignore.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlops::package;

namespace {

[[noreturn]] void violated(const char* what) {
  std::fprintf(stderr, "fuzz_package_ignore: invariant violated: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const std::string path = input.substr(0, nl);
  const std::string text = nl == std::string::npos ? std::string() : input.substr(nl + 1);
  const IgnoreFile file = parse_ignore_file(text, "", "fuzz");
  for (const auto& p : file.patterns) {
    if (p.pattern.empty()) violated("an empty pattern");
    if (p.line <= 0) violated("a pattern without a line number");
    const bool plain = p.pattern.find_first_of("*?[\\") == std::string::npos;
    if (plain && !wildmatch(p.pattern, p.pattern)) violated("a plain pattern does not match itself");
    if (plain && p.pattern != path && wildmatch(p.pattern, path)) violated("a plain pattern matches another text");
    (void)wildmatch(p.pattern, path, true);
  }
  for (const bool dir : {false, true}) {
    for (const bool icase : {false, true}) (void)last_match(file, path, dir, icase);
  }
  return 0;
}
