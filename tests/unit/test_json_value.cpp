// SPDX-License-Identifier: MIT
#include <mlops/json_value.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <utility>
#include <vector>

using mlops::JsonValue;

TEST_CASE("JsonValue copies deeply and starts as an empty object", "[json]") {
  JsonValue a;
  CHECK(a->is_object());
  CHECK(a->empty());
  (*a)["lr"] = 0.1;
  JsonValue b = a;
  (*b)["lr"] = 0.2;
  CHECK((*a)["lr"] == 0.1);
  CHECK((*b)["lr"] == 0.2);
  b = a;
  CHECK(*b == *a);
}

TEST_CASE("A moved-from JsonValue reads as an empty object and can be written again", "[json]") {
  JsonValue a(nlohmann::json{{"opt", "adam"}});
  JsonValue b(std::move(a));
  CHECK((*b)["opt"] == "adam");
  const JsonValue& ca = a;
  CHECK(ca->is_object());  // NOLINT(bugprone-use-after-move): the documented moved-from state
  CHECK(ca->empty());
  (*a)["x"] = 1;  // NOLINT(bugprone-use-after-move)
  CHECK((*a)["x"] == 1);
  JsonValue c;
  c = std::move(b);
  JsonValue d(*b);  // NOLINT(bugprone-use-after-move): copying a moved-from value
  CHECK(d->empty());
  std::vector<JsonValue> v(3);
  v.emplace_back(nlohmann::json::array({1, 2}));
  v.reserve(100);  // relocation moves
  CHECK(v.back()->size() == 2);
}
