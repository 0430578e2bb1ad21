// SPDX-License-Identifier: MIT
// The model card lists a run's largest importances by magnitude; a NaN among them (a run may
// record one) must not break the order for the others.
#include "package/card.hpp"
#include "package/lineage.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

using namespace mlops::package;

TEST_CASE("model card: importances ranked by magnitude with a NaN among them", "[package][card]") {
  Lineage l;
  l.commit = std::string(40, 'a');
  l.run_id = "r1";
  l.run_name = "run";
  l.run_status = "succeeded";
  l.importances = {{"a", 1.0}, {"b", 3.0}, {"c", std::numeric_limits<double>::quiet_NaN()}, {"d", -2.0}};
  for (int i = 0; i < 20; ++i) l.importances["e" + std::to_string(100 + i)] = 0.5;
  const std::string md = model_card(Spec{}, l, "demo:1", "2026-01-01T00:00:00Z", {});
  const auto b = md.find("| b |"), d = md.find("| d |"), a = md.find("| a |"), e = md.find("| e100 |");
  REQUIRE(b != std::string::npos);
  REQUIRE(d != std::string::npos);
  REQUIRE(a != std::string::npos);
  REQUIRE(e != std::string::npos);
  CHECK(b < d);
  CHECK(d < a);
  CHECK(a < e);
  CHECK(md.find("| c |") == std::string::npos);  // NaN ranks last: the 24th of 24, not in the largest 20
  CHECK(md.find("4 more in the run's importances.json") != std::string::npos);
}
