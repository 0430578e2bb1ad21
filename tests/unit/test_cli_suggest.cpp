// SPDX-License-Identifier: MIT
#include "suggest.hpp"

#include <catch2/catch.hpp>

using mlops::cli::closest;

TEST_CASE("typos get a suggestion, unrelated words do not", "[cli]") {
  const std::vector<std::string> cmds{"init", "template", "completion", "version"};
  CHECK(closest("innit", cmds) == "init");
  CHECK(closest("templat", cmds) == "template");
  CHECK(closest("versoin", cmds) == "version");
  CHECK(closest("zzzzzz", cmds).empty());
}
