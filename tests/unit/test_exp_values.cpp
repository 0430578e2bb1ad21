// SPDX-License-Identifier: MIT
#include "exp/values.hpp"

#include <mlops/error.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace mlops;
using namespace mlops::exp;

TEST_CASE("YAML params flatten with typed leaves", "[values]") {
  const FlatValues v = read_values("seed: 42\nmodel:\n  lr: 0.01\n  name: 'rf'\n  deep: yes\n  layers: [1, 2]\nnothing:\n", "params.yaml");
  CHECK(v.at("seed") == 42);
  CHECK(v.at("model.lr") == 0.01);
  CHECK(v.at("model.name") == "rf");
  CHECK(v.at("model.deep") == true);
  CHECK(v.at("model.layers") == nlohmann::json::array({1, 2}));
  CHECK(v.at("nothing").is_null());
}

TEST_CASE("quoted YAML scalars stay strings", "[values]") {
  const FlatValues v = read_values("a: '1'\nb: \"true\"\nc: 1.0\n", "p.yaml");
  CHECK(v.at("a") == "1");
  CHECK(v.at("b") == "true");
  CHECK(v.at("c") == 1.0);
}

TEST_CASE("JSON values flatten the same way", "[values]") {
  const FlatValues v = read_values("{\"acc\": 0.9, \"per_class\": {\"a\": 1}}", "metrics.json");
  CHECK(v.at("acc") == 0.9);
  CHECK(v.at("per_class.a") == 1);
}

TEST_CASE("malformed files name the file and line", "[values]") {
  try {
    read_values("a: [1,\n", "params.yaml");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(std::string(e.what()).rfind("params.yaml:", 0) == 0);
  }
  CHECK_THROWS_AS(read_values("{nope", "m.json"), Error);
  CHECK_THROWS_AS(read_values("- 1\n- 2\n", "p.yaml"), Error);
}

TEST_CASE("scalars typed like YAML 1.1", "[values]") {
  CHECK(parse_scalar("3") == 3);
  CHECK(parse_scalar("-2.5e-3") == -2.5e-3);
  CHECK(parse_scalar("off") == false);
  CHECK(parse_scalar("abc") == "abc");
  CHECK(parse_scalar("").is_null());
  CHECK(std::isinf(parse_scalar(".inf").get<double>()));
}

TEST_CASE("overrides replace values in place and keep comments", "[values]") {
  const std::string text = "# top\nseed: 42  # the seed\nmodel:\n  lr: 0.01 # rate\n  name: rf\n";
  const std::string out = apply_overrides(text, "params.yaml", {{"seed", 7}, {"model.lr", 0.1}, {"model.name", "my model"}}, false);
  CHECK(out == "# top\nseed: 7  # the seed\nmodel:\n  lr: 0.1 # rate\n  name: my model\n");
  CHECK(read_values(out, "p.yaml").at("model.name") == "my model");
}

TEST_CASE("overrides quote strings that would change type", "[values]") {
  const std::string out = apply_overrides("a: x\nb: y\n", "p.yaml", {{"a", "true"}, {"b", "x: y"}}, false);
  const FlatValues v = read_values(out, "p.yaml");
  CHECK(v.at("a") == "true");
  CHECK(v.at("b") == "x: y");
}

TEST_CASE("unknown keys need allow_new, which adds them", "[values]") {
  CHECK_THROWS_AS(apply_overrides("a: 1\n", "p.yaml", {{"b.c", 2}}, false), Error);
  const std::string out = apply_overrides("a: 1\nb:\n  x: 1\n", "p.yaml", {{"b.c", 2}, {"d", "e"}}, true);
  const FlatValues v = read_values(out, "p.yaml");
  CHECK(v.at("a") == 1);
  CHECK(v.at("b.x") == 1);
  CHECK(v.at("b.c") == 2);
  CHECK(v.at("d") == "e");
}

TEST_CASE("overriding a mapping is refused", "[values]") {
  CHECK_THROWS_AS(apply_overrides("model:\n  lr: 1\n", "p.yaml", {{"model", 3}}, false), Error);
}

TEST_CASE("JSON params files are overridden too", "[values]") {
  const std::string out = apply_overrides("{\"a\": {\"b\": 1}}", "p.json", {{"a.b", 5}}, false);
  CHECK(read_values(out, "p.json").at("a.b") == 5);
  CHECK_THROWS_AS(apply_overrides("{\"a\": 1}", "p.json", {{"z", 5}}, false), Error);
}
