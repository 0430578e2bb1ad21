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

TEST_CASE("printable shows C0, C1 and bidirectional controls instead of sending them to a terminal") {
  using mlops::scaffold::printable;
  CHECK(printable("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(printable("x\xc2\x9b"
                  "31mred") == "x\\u009b31mred");  // U+009B: an 8-bit CSI
  CHECK(printable("\xc2\x85") == "\\u0085");
  CHECK(printable("caf\xc3\xa9 \xc2\xa0") == "caf\xc3\xa9 \xc2\xa0");  // é and NBSP are text
  CHECK(printable("l1\n\tl2", true) == "l1\n\tl2");
  CHECK(printable("\xe2\x80\xae") == "\\u202e");
}
