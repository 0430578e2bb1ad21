// SPDX-License-Identifier: MIT
#include "scaffold/names.hpp"

#include <catch2/catch.hpp>

using namespace mlops::scaffold;

TEST_CASE("identifiers", "[names]") {
  CHECK(is_identifier("project_name"));
  CHECK(is_identifier("_x1"));
  CHECK_FALSE(is_identifier("1x"));
  CHECK_FALSE(is_identifier("a-b"));
  CHECK_FALSE(is_identifier(""));
}

TEST_CASE("safe relative paths", "[names]") {
  CHECK(is_safe_relative_path("files"));
  CHECK(is_safe_relative_path("a/b/"));
  CHECK_FALSE(is_safe_relative_path("/abs"));
  CHECK_FALSE(is_safe_relative_path("../x"));
  CHECK_FALSE(is_safe_relative_path("a/../../x"));
  CHECK_FALSE(is_safe_relative_path("a//b"));
  CHECK_FALSE(is_safe_relative_path("."));
  CHECK_FALSE(is_safe_relative_path(""));
}

TEST_CASE("derived names normalise choice values", "[names]") {
  Question q;
  q.name = "python";
  q.type = QuestionType::choice;
  q.choices = {{"3.11", "3.11"}, {"BSD-3-Clause", "x"}};
  const auto names = derived_names(q);
  REQUIRE(names.size() == 2);
  CHECK(names[0] == "python_is_3_11");
  CHECK(names[1] == "python_is_BSD_3_Clause");
}
