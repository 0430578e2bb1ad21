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

TEST_CASE("Python's NaN and Infinity in a JSON file are read per value, the rest kept", "[values]") {
  const FlatValues v = read_values(
      "{\"acc\": 0.9, \"loss\": NaN, \"up\": Infinity, \"down\": -Infinity, \"s\": \"NaN in a string\", \"l\": [NaN, 1]}", "metrics.json");
  CHECK(v.at("acc") == 0.9);
  CHECK(v.at("loss") == "NaN");
  CHECK(v.at("up") == "Infinity");
  CHECK(v.at("down") == "-Infinity");
  CHECK(v.at("s") == "NaN in a string");
  CHECK(v.at("l") == nlohmann::json::array({"NaN", 1}));
  CHECK(std::isnan(*number_of(v.at("loss"))));
  CHECK(*number_of(v.at("up")) == INFINITY);
  CHECK(*number_of(v.at("down")) == -INFINITY);
  CHECK(!number_of(v.at("s")));
  // Only whole tokens where a value starts; strings with escaped quotes are skipped as strings.
  CHECK(python_json_tokens("{\"a\\\"NaN\": NaNx}") == "{\"a\\\"NaN\": NaNx}");
  CHECK(python_json_tokens("[NaN,-Infinity]") == "[\"NaN\",\"-Infinity\"]");
  CHECK_THROWS_AS(read_values("{\"a\": NaNx}", "metrics.json"), Error);
}

TEST_CASE("non-finite numbers are recorded as strings, JSON having none", "[values]") {
  CHECK(number_json(NAN) == "NaN");
  CHECK(number_json(-INFINITY) == "-Infinity");
  CHECK(number_json(0.5) == 0.5);
  const nlohmann::json rec = recordable(read_values("lr: .inf\nl: [.nan, 1]\nm: {x: -.inf}\n", "p.yaml").at("lr"));
  CHECK(rec == "Infinity");
  CHECK(recordable(nlohmann::json::array({NAN, 1})) == nlohmann::json::array({"NaN", 1}));
  CHECK(recordable(read_values("m: {x: -.inf}\n", "p.yaml").at("m.x")) == "-Infinity");
}

TEST_CASE("a JSON params file with NaN is not rewritten by -S", "[values]") {
  CHECK_THROWS_AS(apply_overrides("{\"a\": NaN, \"b\": 1}", "params.json", {{"b", 2}}, false), Error);
}

TEST_CASE("deep nesting is an error, not a stack overflow", "[values]") {
  const size_t n = 100000;
  const std::string json = std::string(n, '[') + std::string(n, ']');
  try {
    read_values("{\"a\": " + json + "}", "metrics.json");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(std::string(e.what()).find("metrics.json") != std::string::npos);
    CHECK(std::string(e.what()).find("deeper") != std::string::npos);
  }
  std::string obj;
  for (size_t i = 0; i < n; ++i) obj += "{\"a\":";
  obj += "1" + std::string(n, '}');
  CHECK_THROWS_AS(read_values(obj, "metrics.json"), Error);
  std::string yaml;
  for (size_t i = 0; i < 5000; ++i) yaml += std::string(i, ' ') + "a:\n";
  CHECK_THROWS_AS(read_values(yaml, "params.yaml"), Error);
  CHECK_THROWS_AS(read_values("a: " + json + "\n", "params.yaml"), Error);
}

TEST_CASE("YAML aliases that expand without bound are refused, naming the file", "[values]") {
  std::string bomb = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) bomb += std::string(k ? ", " : "") + "*a" + std::to_string(i - 1);
    bomb += "]\n";
  }
  try {
    read_values(bomb, "params.yaml");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_input);
    CHECK(std::string(e.what()).rfind("params.yaml: ", 0) == 0);
  }
  CHECK_THROWS_AS(apply_overrides(bomb, "params.yaml", {{"a0", 1}}, false), Error);
  // An alias inside its own anchor would be walked for ever.
  CHECK_THROWS_AS(read_values("a: &x [*x]\n", "params.yaml"), Error);
  CHECK_THROWS_AS(read_values("a: &x {b: *x}\n", "params.yaml"), Error);
  // Long scalars repeated through aliases.
  std::string wide = "s: &s " + std::string(500000, 'x') + "\nl: [";
  for (int k = 0; k < 200; ++k) wide += std::string(k ? ", " : "") + "*s";
  CHECK_THROWS_AS(read_values(wide + "]\n", "params.yaml"), Error);
  // A few aliases are fine.
  CHECK(read_values("base: &b {lr: 0.1}\nrun: *b\n", "params.yaml").at("run.lr") == 0.1);
}
