// SPDX-License-Identifier: MIT
// The statistics against scipy's own numbers (drift/parity_cases.inc, written by
// drift/gen_parity.py with Debian's python3-scipy on the same samples).
#include <mlops/drift.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

using namespace mlops::drift;

namespace {

struct KsCase {
  std::uint64_t seed_a;
  int n_a;
  double scale_a, shift_a;
  std::uint64_t seed_b;
  int n_b;
  double scale_b, shift_b;
  int decimals;
  double d, p;
};
struct KsTwoCase {
  double d;
  double n;
  double sf;
};
struct ChiCase {
  std::vector<double> a, b;
  double stat, p;
};
struct JsCase {
  std::vector<double> p, q;
  double base, value;
};
struct HistCase {
  KsCase sample;
  std::vector<double> edges, counts;
};

#include "drift/parity_cases.inc"

std::vector<double> splitmix(std::uint64_t x, int n) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    x += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z = z ^ (z >> 31);
    out.push_back(static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0));
  }
  return out;
}

std::vector<double> sample(std::uint64_t seed, int n, double scale, double shift, int decimals) {
  const auto u = splitmix(seed, 3 * n);
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) {
    double x = ((u[3 * i] + u[3 * i + 1] + u[3 * i + 2]) * scale) + shift;
    if (decimals >= 0) {
      const double f = std::pow(10.0, decimals);
      x = std::floor(x * f + 0.5) / f;
    }
    xs.push_back(x);
  }
  return xs;
}

bool close(double got, double want, double rel) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::abs(got - want) <= rel * std::abs(want) || std::abs(got - want) < 1e-300;
}

}  // namespace

TEST_CASE("drift: ks_2samp equals scipy (exact lattice, asymptotic kstwo, ties, tiny, constant)", "[drift]") {
  for (const KsCase& c : k_ks_cases) {
    auto a = sample(c.seed_a, c.n_a, c.scale_a, c.shift_a, c.decimals);
    auto b = sample(c.seed_b, c.n_b, c.scale_b, c.shift_b, c.decimals);
    const TestResult t = ks_2samp(a, b);
    INFO("case " << c.seed_a << ": D " << t.statistic << " vs " << c.d << ", p " << t.p_value << " vs " << c.p);
    CHECK(close(t.statistic, c.d, 1e-9));
    CHECK(close(t.p_value, c.p, 1e-6));
  }
}

TEST_CASE("drift: the documented KS exact vectors", "[drift]") {
  std::vector<double> a{1, 2, 3, 4, 5}, b{6, 7, 8, 9, 10};
  CHECK(close(ks_2samp(a, b).p_value, 2.0 / 252, 1e-12));
  std::vector<double> c{1, 2, 3, 4, 5}, d{3, 4, 5, 6, 7};
  CHECK(close(ks_2samp(c, d).p_value, 0.873015873015873, 1e-12));
}

TEST_CASE("drift: kstwo.sf equals scipy on every branch of its method selection", "[drift]") {
  for (const KsTwoCase& c : k_kstwo_cases) {
    const double got = kstwo_sf(c.d, c.n);
    INFO("kstwo.sf(" << c.d << ", " << c.n << ") = " << got << ", scipy " << c.sf);
    CHECK(close(got, c.sf, 1e-6));
  }
}

TEST_CASE("drift: chisquare, chi2_contingency and chi2.sf equal scipy", "[drift]") {
  for (const ChiCase& c : k_chi_cases) {
    const TestResult t = chisquare(c.a, c.b);
    INFO("chisquare stat " << t.statistic << " vs " << c.stat << ", p " << t.p_value << " vs " << c.p);
    CHECK(close(t.statistic, c.stat, 1e-9));
    CHECK(close(t.p_value, c.p, 1e-9));
  }
  for (const ChiCase& c : k_contingency_cases) {
    const TestResult t = chi2_contingency(c.a, c.b);
    INFO("contingency stat " << t.statistic << " vs " << c.stat << ", p " << t.p_value << " vs " << c.p);
    CHECK(close(t.statistic, c.stat, 1e-9));
    CHECK(close(t.p_value, c.p, 1e-9));
  }
  for (const auto& c : k_chi2_sf) {
    INFO("chi2.sf(" << c[0] << ", " << c[1] << ")");
    CHECK(close(chi2_sf(c[0], c[1]), c[2], 1e-9));
  }
  for (const auto& c : k_ndtr) {
    INFO("ndtr(" << c[0] << ")");
    CHECK(close(normal_cdf(c[0]), c[1], 1e-12));
  }
}

TEST_CASE("drift: jensenshannon, entropy, wasserstein, std and Sturges bins equal scipy and numpy", "[drift]") {
  for (const JsCase& c : k_js_cases) CHECK(close(jensenshannon(c.p, c.q, c.base), c.value, 1e-9));
  for (const JsCase& c : k_kl_cases) CHECK(close(kl_divergence(c.p, c.q), c.value, 1e-9));
  for (const KsCase& c : k_wasserstein_cases) {
    auto a = sample(c.seed_a, c.n_a, c.scale_a, c.shift_a, c.decimals);
    auto b = sample(c.seed_b, c.n_b, c.scale_b, c.shift_b, c.decimals);
    CHECK(close(population_std(a), c.p, 1e-9));
    CHECK(close(wasserstein_distance(a, b), c.d, 1e-9));
  }
  for (const HistCase& h : k_hist_cases) {
    const KsCase& c = h.sample;
    auto a = sample(c.seed_a, c.n_a, c.scale_a, c.shift_a, c.decimals);
    auto b = sample(c.seed_b, c.n_b, c.scale_b, c.shift_b, c.decimals);
    const auto edges = sturges_edges(a, b);
    REQUIRE(edges.size() == h.edges.size());
    for (std::size_t i = 0; i < edges.size(); ++i) CHECK(edges[i] == h.edges[i]);
    CHECK(histogram(a, edges) == h.counts);
  }
}

TEST_CASE("drift: sort_values sorts like std::sort (negatives, zeros, huge and tiny values)", "[drift]") {
  auto v = splitmix(99, 20000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = (v[i] - 0.5) * std::pow(10.0, static_cast<double>(i % 40) - 20);
  v.push_back(0.0);
  v.push_back(-0.0);
  v.push_back(std::numeric_limits<double>::max());
  v.push_back(-std::numeric_limits<double>::denorm_min());
  auto want = v;
  std::sort(want.begin(), want.end());
  sort_values(v);
  REQUIRE(v.size() == want.size());
  for (std::size_t i = 0; i < v.size(); ++i) CHECK(v[i] == want[i]);
}

TEST_CASE("drift: sort_values with digits every key shares (skipped radix passes)", "[drift]") {
  for (const int distinct : {1, 2, 100, 5000}) {
    auto u = splitmix(static_cast<std::uint64_t>(distinct), 30000);
    std::vector<double> v;
    for (double x : u) v.push_back(std::floor(x * distinct) - distinct / 2);
    v[0] = 0.25;  // unsorted, and one key apart
    auto want = v;
    std::sort(want.begin(), want.end());
    sort_values(v);
    INFO(distinct);
    CHECK(v == want);
  }
}

TEST_CASE("drift: histogram counts sorted values as it counts unsorted ones", "[drift]") {
  auto v = sample(7, 20000, 1.0, 0.0, 2);  // ties, and values on the edges
  auto edges = sturges_edges(v, v);
  edges.erase(edges.begin());  // values below the first edge are left out
  edges.pop_back();
  edges.push_back(v[10]);  // values above the last edge too; the last bin includes its edge
  std::sort(edges.begin(), edges.end());
  const auto unsorted = histogram(v, edges);
  std::sort(v.begin(), v.end());
  CHECK(histogram(v, edges) == unsorted);
  const std::vector<double> with_empty = {v[100], v[100], v[5000], v[5000], v[19000]};  // repeated edges: empty bins
  auto shuffled = sample(7, 20000, 1.0, 0.0, 2);
  CHECK(histogram(v, with_empty) == histogram(shuffled, with_empty));
}

TEST_CASE("drift: sort_values on values with few decimals, and where that shortcut must not apply", "[drift]") {
  auto u = splitmix(3, 50000);
  std::vector<std::vector<double>> cases(6);
  for (std::size_t i = 0; i < u.size(); ++i) {
    cases[0].push_back(std::round((u[i] - 0.5) * 2e7) / 1e6);  // %.6f-like
    cases[1].push_back(std::round(u[i] * 1000) - 500);         // integers
    cases[2].push_back(std::round((u[i] - 0.5) * 2e7) / 1e6);
    cases[3].push_back(std::round(u[i] * 1e6) / 1e6);
    cases[4].push_back(std::round((u[i] - 0.5) * 1e15) / 10);            // near 2^51 once scaled
    cases[5].push_back(i % 2 ? 1.0 / 3 : std::round(u[i] * 100) / 100);  // not decimals from the 2nd on
  }
  cases[2][40000] = -0.0;  // -0.0 is no k / 10^d: kept, bit for bit
  cases[2][100] = -0.0;
  cases[2][101] = 0.0;
  cases[3][49999] = 0.1234567891;  // more decimals than the first values show, at the end
  for (std::size_t c = 0; c < cases.size(); ++c) {
    auto v = cases[c];
    auto want = v;
    std::sort(want.begin(), want.end());
    sort_values(v);
    INFO("case " << c);
    REQUIRE(v.size() == want.size());
    bool same = true;
    for (std::size_t i = 0; i < v.size(); ++i) same = same && (v[i] == want[i]);
    CHECK(same);
    auto sorted_bits = v, want_bits = want;  // the same values, bit for bit (-0.0 kept)
    std::sort(sorted_bits.begin(), sorted_bits.end(),
              [](double a, double b) { return std::signbit(a) > std::signbit(b) || (std::signbit(a) == std::signbit(b) && a < b); });
    std::sort(want_bits.begin(), want_bits.end(),
              [](double a, double b) { return std::signbit(a) > std::signbit(b) || (std::signbit(a) == std::signbit(b) && a < b); });
    CHECK(std::memcmp(sorted_bits.data(), want_bits.data(), v.size() * sizeof(double)) == 0);
  }
}

TEST_CASE("drift: ks_2samp's D is scipy's max |cdf1 - cdf2| over the pooled values, bit for bit, ties included", "[drift]") {
  for (const int decimals : {-1, 0, 1, 3}) {
    auto a = sample(11, 12000, 2.0, 0.0, decimals);
    auto b = sample(12, 15001, 2.0, 0.1, decimals);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    double want = 0;  // scipy: searchsorted(side='right') / n over data_all, then max of both signs
    for (const auto* side : {&a, &b}) {
      for (const double x : *side) {
        const double c1 = static_cast<double>(std::upper_bound(a.begin(), a.end(), x) - a.begin()) / static_cast<double>(a.size());
        const double c2 = static_cast<double>(std::upper_bound(b.begin(), b.end(), x) - b.begin()) / static_cast<double>(b.size());
        want = std::max({want, c1 - c2, -(c1 - c2)});
      }
    }
    INFO("decimals " << decimals);
    CHECK(ks_2samp(a, b).statistic == want);
  }
}
