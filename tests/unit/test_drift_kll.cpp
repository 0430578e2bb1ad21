// SPDX-License-Identifier: MIT
// The KLL quantile sketch of reference profiles: its rank error within the stated bound on a
// million values, merging partitions as good as one sketch of all, exact while small.
#include "drift/kll.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

using mlops::drift::KllSketch;

namespace {

std::vector<double> values(std::uint64_t x, std::size_t n) {
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    x += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z = z ^ (z >> 31);
    const double u = static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
    out.push_back(std::round(std::log(u / (1 - u)) * 1000) / 1000);  // logistic, with ties
  }
  return out;
}

// The largest |estimated rank - true rank| over a grid of values.
double max_rank_error(const KllSketch& s, std::vector<double> all) {
  std::sort(all.begin(), all.end());
  double worst = 0;
  for (std::size_t i = 0; i < all.size(); i += all.size() / 997 + 1) {
    const double x = all[i];
    const double truth = static_cast<double>(std::upper_bound(all.begin(), all.end(), x) - all.begin()) / static_cast<double>(all.size());
    worst = std::max(worst, std::abs(s.rank(x) - truth));
  }
  return worst;
}

}  // namespace

TEST_CASE("drift kll: exact while it holds every value; NaN ignored", "[drift]") {
  KllSketch s;
  for (double x : {3.0, 1.0, 2.0, std::nan(""), 2.0}) s.update(x);
  CHECK(s.count() == 4);
  CHECK(s.min() == 1);
  CHECK(s.max() == 3);
  CHECK(s.rank(2.0) == 0.75);
  CHECK(s.quantile(0.5) == 2);
  CHECK(s.quantile(0) == 1);
  CHECK(s.quantile(1) == 3);
}

TEST_CASE("drift kll: a million values within the stated rank error, in a few thousand kept", "[drift]") {
  const auto v = values(1, 1000000);
  KllSketch s(200);
  for (double x : v) s.update(x);
  CHECK(s.count() == v.size());
  CHECK(s.retained() < 3 * 200 + 200);
  std::uint64_t weight = 0;
  for (const auto& [x, w] : s.weighted_values()) weight += w;
  CHECK(weight == v.size());  // compaction keeps the total weight exactly
  const double err = max_rank_error(s, v);
  INFO("max rank error " << err << ", bound " << KllSketch::rank_error(200));
  CHECK(err <= KllSketch::rank_error(200));
  CHECK(s.min() == *std::min_element(v.begin(), v.end()));
  CHECK(s.max() == *std::max_element(v.begin(), v.end()));
}

TEST_CASE("drift kll: merged partitions answer as one sketch of all would", "[drift]") {
  std::vector<double> all;
  KllSketch merged(200);
  for (std::uint64_t part = 0; part < 10; ++part) {
    const auto v = values(100 + part, 50000 + part * 7919);
    all.insert(all.end(), v.begin(), v.end());
    KllSketch s(200);
    for (double x : v) s.update(x);
    merged.merge(s);
  }
  CHECK(merged.count() == all.size());
  std::uint64_t weight = 0;
  for (const auto& [x, w] : merged.weighted_values()) weight += w;
  CHECK(weight == all.size());
  CHECK(merged.retained() < 3 * 200 + 200);
  CHECK(max_rank_error(merged, all) <= KllSketch::rank_error(200));
}
