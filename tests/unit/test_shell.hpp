// SPDX-License-Identifier: MIT
// sh(CMD): runs a shell command for a unit test's fixture and returns its stdout without the
// trailing newlines; the test fails if the command does.
#pragma once

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

namespace mlops::test {

inline std::string sh(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace mlops::test
