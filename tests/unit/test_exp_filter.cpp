// SPDX-License-Identifier: MIT
#include "exp/filter.hpp"

#include <mlops/error.hpp>

#include <catch2/catch.hpp>

using namespace mlops;
using namespace mlops::exp;

namespace {

bool eval(const std::string& expr, const nlohmann::json& fields, std::vector<std::string> tags = {}) {
  const Filter f = Filter::parse(expr);
  return f.matches(
      [&](std::string_view name) -> std::optional<nlohmann::json> {
        auto it = fields.find(std::string(name));
        if (it == fields.end()) return std::nullopt;
        return *it;
      },
      [&](std::string_view t) { return std::find(tags.begin(), tags.end(), t) != tags.end(); });
}

}  // namespace

TEST_CASE("filters compare numbers as numbers", "[filter]") {
  const nlohmann::json run{{"metrics.acc", 0.93}, {"params.lr", 0.001}, {"status", "completed"}};
  CHECK(eval("metrics.acc > 0.9", run));
  CHECK_FALSE(eval("metrics.acc > 0.95", run));
  CHECK(eval("params.lr <= 0.01", run));  // "0.001" <= "0.01" would be false as strings
  CHECK(eval("params.lr = 1e-3", run));
  CHECK(eval("status = completed", run));
  CHECK(eval("status != failed", run));
}

TEST_CASE("and, or, not, parentheses and tags", "[filter]") {
  const nlohmann::json run{{"metrics.acc", 0.93}, {"params.lr", 0.1}, {"status", "failed"}};
  CHECK(eval("metrics.acc > 0.9 and (params.lr <= 0.01 or tag:baseline) and status = failed", run, {"baseline"}));
  CHECK_FALSE(eval("metrics.acc > 0.9 and (params.lr <= 0.01 or tag:baseline) and status = failed", run));
  CHECK(eval("not status = completed", run));
  CHECK(eval("NOT tag:x OR metrics.acc < 0", run));
}

TEST_CASE("missing fields and mismatched types never match", "[filter]") {
  const nlohmann::json run{{"params.model", "rf"}};
  CHECK_FALSE(eval("metrics.acc > 0", run));
  CHECK_FALSE(eval("metrics.acc < 0", run));
  CHECK_FALSE(eval("params.model > 3", run));
  CHECK(eval("params.model ~ r", run));
  CHECK(eval("params.model = 'rf'", run));
}

TEST_CASE("invalid filters point at the column", "[filter]") {
  auto message = [](const std::string& expr) {
    try {
      Filter::parse(expr);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::usage);
      return std::string(e.what()) + "|" + e.hint();
    }
    return std::string("no error");
  };
  CHECK(message("metrics.acc >").rfind("invalid filter at column 14: expected a value after '>'", 0) == 0);
  CHECK(message("(a = 1").rfind("invalid filter at column 7: expected ')'", 0) == 0);
  CHECK(message("a = 1 b = 2").rfind("invalid filter at column 7: unexpected 'b'", 0) == 0);
  CHECK(message("a ! 1").find("use 'not'") != std::string::npos);
  CHECK(message("a = 'x").find("unterminated string") != std::string::npos);
  CHECK(message("metrics.acc >").find("\n" + std::string(2 + 13, ' ') + "^") != std::string::npos);  // caret under column 14
}

TEST_CASE("an empty filter matches everything", "[filter]") {
  CHECK(eval("", nlohmann::json::object()));
  CHECK(eval("   ", nlohmann::json::object()));
}

TEST_CASE("nesting is limited: a usage error, never a stack overflow", "[filter]") {
  const nlohmann::json run{{"a", 1}};
  auto message = [](const std::string& expr) {
    try {
      Filter::parse(expr);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::usage);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string deep = std::string(20000, '(') + "a = 1" + std::string(20000, ')');
  CHECK(message(deep).rfind("invalid filter at column 65: nested deeper than 64 levels", 0) == 0);
  std::string nots;
  for (int i = 0; i < 20000; ++i) nots += "not ";
  CHECK(message(nots + "a = 1").find("nested deeper than 64 levels") != std::string::npos);
  // At the limit it works.
  CHECK(eval(std::string(64, '(') + "a = 1" + std::string(64, ')'), run));
  // Long flat chains are not nesting: they evaluate (and are freed) without recursion.
  std::string chain = "a = 1";
  for (int i = 0; i < 100000; ++i) chain += i % 2 ? " and a = 1" : " or a = 2";
  CHECK(eval(chain, run));
  std::string ands = "a = 1";
  for (int i = 0; i < 100000; ++i) ands += " and a = 1";
  CHECK(eval(ands, run));
  CHECK_FALSE(eval(ands + " and a = 2", run));
}

TEST_CASE("fields and tags of a filter are listed and can be renamed", "[filter]") {
  Filter f = Filter::parse("acc > 0.9 and (tag:best or not params.lr = 1) and dirty");
  std::vector<std::string> names;
  for (const auto& r : f.names()) names.push_back(std::string(r.is_tag ? "tag:" : "") + r.name + "@" + std::to_string(r.column));
  CHECK(names == std::vector<std::string>{"acc@1", "tag:best@16", "params.lr@32", "dirty@51"});
  f.rename([](const std::string& name) { return name == "acc" ? std::string("metrics.acc") : name; });
  const nlohmann::json run{{"metrics.acc", 0.95}, {"params.lr", 2}, {"dirty", true}};
  CHECK(f.matches(
      [&](std::string_view n) -> std::optional<nlohmann::json> {
        auto it = run.find(std::string(n));
        if (it == run.end()) return std::nullopt;
        return *it;
      },
      [](std::string_view) { return false; }));
}

TEST_CASE("a value may be another field, with a number added, taken away, multiplied or divided", "[filter]") {
  const nlohmann::json run{{"metrics.acc", 0.93},
                           {"baseline.metrics.acc", 0.935},
                           {"metrics.loss", 0.2},
                           {"baseline.metrics.loss", 0.19},
                           {"baseline.status", "completed"}};
  CHECK(eval("metrics.acc >= baseline.metrics.acc - 0.01", run));
  CHECK_FALSE(eval("metrics.acc >= baseline.metrics.acc", run));
  CHECK(eval("metrics.acc >= baseline.metrics.acc -0.01", run));  // the sign joined to the number
  CHECK(eval("metrics.loss <= baseline.metrics.loss * 1.1", run));
  CHECK_FALSE(eval("metrics.loss <= baseline.metrics.loss / 1.1", run));
  CHECK(eval("metrics.loss < baseline.metrics.loss + 0.02", run));
  // A missing value on either side: false, as for any comparison.
  CHECK_FALSE(eval("metrics.acc >= baseline.metrics.f1 - 0.01", run));
  CHECK_FALSE(eval("metrics.acc >= baseline.status", run));
  const Filter f = Filter::parse("metrics.acc >= baseline.metrics.acc - 0.01 and metrics.loss < 1");
  const auto names = f.names();
  REQUIRE(names.size() == 3);
  CHECK(names[1].name == "baseline.metrics.acc");
  CHECK(names[1].column == 16);
  CHECK_THROWS_AS(Filter::parse("metrics.acc >= baseline.metrics.acc -"), Error);
  CHECK_THROWS_AS(Filter::parse("metrics.acc >= baseline.metrics.acc - x"), Error);
  CHECK_THROWS_AS(Filter::parse("metrics.acc >= baseline.metrics.acc / 0"), Error);
  // Other words stay text, as before.
  CHECK(eval("baseline.status = completed", run));
}
