// SPDX-License-Identifier: MIT
// Two-sample statistics as scipy and numpy compute them (the operations in the same order
// where that decides the last bits: lattice rounding of D, bin edges, zero handling).
#include <mlops/drift.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>

namespace mlops::drift {
namespace {

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();

// scipy.special.rel_entr
double rel_entr(double x, double y) {
  if (std::isnan(x) || std::isnan(y)) return k_nan;
  if (x > 0 && y > 0) return x * std::log(x / y);
  if (x == 0 && y >= 0) return 0;
  return std::numeric_limits<double>::infinity();
}

// scipy.stats._stats_py._compute_prob_outside_square: Pr(D_{n,n} >= h/n).
double prob_outside_square(long n, long h) {
  double P = 0.0;
  long k = static_cast<long>(std::floor(static_cast<double>(n) / static_cast<double>(h)));
  while (k >= 0) {
    double p1 = 1.0;
    for (long j = 0; j < h; ++j) p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
    P = p1 * (1.0 - P);
    --k;
  }
  return 2 * P;
}

// scipy.stats._stats_pythran._compute_outer_prob_inside_method: the lattice paths that
// leave the band |x/m - y/n| < h/lcm, as 1 - p directly (Viehmann 2021).
double outer_prob_inside(long m, long n, long g, long h) {
  if (m < n) std::swap(m, n);
  const long mg = m / g, ng = n / g;
  long minj = 0;
  long maxj = std::min(static_cast<long>(std::ceil(static_cast<double>(h) / static_cast<double>(mg))), n + 1);
  long curlen = maxj - minj;
  const long lenA = std::min(2 * maxj + 2, n + 1);
  std::vector<double> A(static_cast<std::size_t>(std::max(lenA, 1L)), 1.0);
  std::fill(A.begin() + minj, A.begin() + maxj, 0.0);
  for (long i = 1; i <= m; ++i) {
    const long lastminj = minj, lastlen = curlen;
    minj = std::max(static_cast<long>(std::floor(static_cast<double>(ng * i - h) / static_cast<double>(mg))) + 1, 0L);
    minj = std::min(minj, n);
    maxj = std::min(static_cast<long>(std::ceil(static_cast<double>(ng * i + h) / static_cast<double>(mg))), n + 1);
    if (maxj <= minj) return 1.0;
    double val = minj == 0 ? 0.0 : 1.0;
    for (long jj = 0; jj < maxj - minj; ++jj) {
      const long j = jj + minj;
      val = (A[static_cast<std::size_t>(jj + minj - lastminj)] * static_cast<double>(i) + val * static_cast<double>(j)) /
            static_cast<double>(i + j);
      A[static_cast<std::size_t>(jj)] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      for (long x = maxj - minj; x < maxj - minj + (lastlen - curlen) && x < lenA; ++x) A[static_cast<std::size_t>(x)] = 1;
    }
  }
  return A[static_cast<std::size_t>(maxj - minj - 1)];
}

double pairwise_sum(const double* x, std::size_t n) {  // numpy's summation order, near enough
  long double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += x[i];
  return static_cast<double>(s);
}

}  // namespace

namespace {

// The radix sorts' second buffer, kept per thread between columns: a fresh one per column cost
// as much in page faults as the sort itself.
std::vector<std::uint64_t>& radix_scratch(std::size_t n) {
  static thread_local std::vector<std::uint64_t> scratch;
  if (scratch.size() < n) scratch.resize(n);
  return scratch;
}

// Values read from text with a few decimals (0.123456, 42, 3.5) are k / 10^d for integers k
// that span far fewer bits than a double: sorted as those integers, three radix passes do
// what six do on the doubles' bits. Used only when every value is, bit for bit, its integer
// divided by 10^d (checked for each one: then sorting the integers sorts the values, the map
// being monotone), else false and the general sort runs. |k| < 2^51 keeps x * 10^d within
// 0.5 of k, so the rounding finds k.
bool sort_as_decimals(std::vector<double>& v) {
  static constexpr double k_pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  constexpr double k_limit = 2251799813685248.0;  // 2^51
  // Adding and taking away 1.5 * 2^52 rounds |y| < 2^51 to the nearest integer (ties to even)
  // in two exact-width operations, without a libm call.
  constexpr double k_round = 6755399441055744.0;
  auto nearest = [](double y) { return static_cast<std::int64_t>((y + k_round) - k_round); };
  const std::size_t n = v.size();
  if (n > std::numeric_limits<std::uint32_t>::max()) return false;
  // The fewest decimals that fit the first values; the check below decides for all.
  int d = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(n, 64); ++i) {
    while (d < 10 && !(std::abs(v[i] * k_pow10[d]) < k_limit && static_cast<double>(nearest(v[i] * k_pow10[d])) / k_pow10[d] == v[i])) ++d;
    if (d == 10) return false;
  }
  const double scale = k_pow10[d];
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
  std::size_t negative_zeros = 0;  // -0.0 ("-0.000000" in a file) is no k / 10^d: put back below
  for (const double x : v) {       // every value checked before any is changed
    const double y = x * scale;
    if (!(std::abs(y) < k_limit)) return false;
    const std::int64_t k = nearest(y);
    const double back = static_cast<double>(k) / scale;
    if (std::memcmp(&back, &x, sizeof x) != 0) {  // bitwise, so that -0.0 is seen
      if (x != 0) return false;
      ++negative_zeros;
    }
    lo = std::min(lo, k);
    hi = std::max(hi, k);
  }
  const auto range = static_cast<std::uint64_t>(hi - lo);
  int bits = 0;
  while (bits < 64 && (range >> bits) != 0) ++bits;
  constexpr int k_bits = 11;
  constexpr std::size_t k_buckets = std::size_t{1} << k_bits;
  const int passes = (bits + k_bits - 1) / k_bits;
  // The keys in v's own bytes (same size, every access through memcpy), one scratch buffer.
  static_assert(sizeof(double) == sizeof(std::uint64_t));
  auto* base = reinterpret_cast<unsigned char*>(v.data());
  std::vector<std::uint64_t>& scratch = radix_scratch(n);
  std::vector<std::uint32_t> counts(static_cast<std::size_t>(std::max(passes, 1)) * k_buckets, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = static_cast<std::uint64_t>(nearest(v[i] * scale) - lo);
    std::memcpy(base + i * 8, &k, 8);
    for (int p = 0; p < passes; ++p) ++counts[static_cast<std::size_t>(p) * k_buckets + ((k >> (p * k_bits)) & (k_buckets - 1))];
  }
  unsigned char* from = base;
  auto* to = reinterpret_cast<unsigned char*>(scratch.data());
  for (int p = 0; p < passes; ++p) {
    std::uint32_t* c = counts.data() + static_cast<std::size_t>(p) * k_buckets;
    const int shift = p * k_bits;
    std::uint32_t sum = 0;
    for (std::size_t b = 0; b < k_buckets; ++b) {
      const std::uint32_t m = c[b];
      c[b] = sum;
      sum += m;
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t k;
      std::memcpy(&k, from + i * 8, 8);
      std::memcpy(to + std::size_t{c[(k >> shift) & (k_buckets - 1)]++} * 8, &k, 8);
    }
    std::swap(from, to);
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t k;
    std::memcpy(&k, from + i * 8, 8);
    v[i] = static_cast<double>(static_cast<std::int64_t>(k) + lo) / scale;
  }
  if (negative_zeros > 0) {  // first among the zeros, as the sort on bits puts them
    const auto zero = std::lower_bound(v.begin(), v.end(), 0.0);
    std::fill(zero, zero + static_cast<std::ptrdiff_t>(negative_zeros), -0.0);
  }
  return true;
}

}  // namespace

// LSD radix sort on the doubles' bits (mapped so that unsigned order is numeric order): six
// passes of 11 bits whose counts are all taken in one read, passes where every key has the same
// digit skipped, keys sorted in the vector's own storage with one scratch buffer.
void sort_values(std::vector<double>& v) {
  if (std::is_sorted(v.begin(), v.end())) return;
  const std::size_t n = v.size();
  if (n < 4096) {
    std::sort(v.begin(), v.end());
    return;
  }
  if (sort_as_decimals(v)) return;
  constexpr int k_bits = 11, k_passes = 6;
  constexpr std::size_t k_buckets = std::size_t{1} << k_bits;
  std::vector<std::uint64_t>& scratch = radix_scratch(n);
  // The keys live in v's bytes: std::uint64_t and double have the same size, and every access
  // goes through memcpy.
  static_assert(sizeof(double) == sizeof(std::uint64_t));
  auto* base = reinterpret_cast<unsigned char*>(v.data());
  auto load = [](const unsigned char* p, std::size_t i) {
    std::uint64_t k;
    std::memcpy(&k, p + i * 8, 8);
    return k;
  };
  auto store = [](unsigned char* p, std::size_t i, std::uint64_t k) { std::memcpy(p + i * 8, &k, 8); };
  std::vector<std::size_t> counts(k_passes * k_buckets, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t k = load(base, i);
    k = (k >> 63) != 0 ? ~k : k | (std::uint64_t{1} << 63);
    store(base, i, k);
    for (int p = 0; p < k_passes; ++p) ++counts[static_cast<std::size_t>(p) * k_buckets + ((k >> (p * k_bits)) & (k_buckets - 1))];
  }
  unsigned char* from = base;
  auto* to = reinterpret_cast<unsigned char*>(scratch.data());
  for (int p = 0; p < k_passes; ++p) {
    std::size_t* c = counts.data() + static_cast<std::size_t>(p) * k_buckets;
    const int shift = p * k_bits;
    if (c[(load(from, 0) >> shift) & (k_buckets - 1)] == n) continue;  // one digit: nothing to move
    std::size_t sum = 0;
    for (std::size_t b = 0; b < k_buckets; ++b) {
      const std::size_t m = c[b];
      c[b] = sum;
      sum += m;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t k = load(from, i);
      store(to, c[(k >> shift) & (k_buckets - 1)]++, k);
    }
    std::swap(from, to);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = load(from, i);
    store(base, i, (k >> 63) != 0 ? k & ~(std::uint64_t{1} << 63) : ~k);
  }
}

// The scaled integers of a column (csv.cpp) sorted by an LSD radix sort on k - min: values of
// six decimals within ±1000 span 31 bits or fewer, so two or three passes over 4-byte keys,
// where the doubles take three over 8-byte ones after a pass to find their integers.
void sort_scaled(Column& c) {
  std::vector<std::int32_t>& v = c.scaled;
  // Found sorted, the negative zeros stay where they are, as sort_values leaves sorted doubles.
  if (std::is_sorted(v.begin(), v.end())) return;
  const std::size_t n = v.size();
  if (n < 4096 || n > std::numeric_limits<std::uint32_t>::max()) {
    std::sort(v.begin(), v.end());
  } else {
    // The range, with eight independent minima and maxima (minmax_element's one chain of
    // compares was an eighth of the sort).
    std::int32_t mins[8], maxs[8];
    std::fill(mins, mins + 8, v[0]);
    std::fill(maxs, maxs + 8, v[0]);
    std::size_t i8 = 0;
    for (; i8 + 8 <= n; i8 += 8) {
      for (std::size_t j = 0; j < 8; ++j) {
        mins[j] = std::min(mins[j], v[i8 + j]);
        maxs[j] = std::max(maxs[j], v[i8 + j]);
      }
    }
    for (; i8 < n; ++i8) mins[0] = std::min(mins[0], v[i8]), maxs[0] = std::max(maxs[0], v[i8]);
    const std::int64_t lo = *std::min_element(mins, mins + 8);
    const auto range = static_cast<std::uint32_t>(static_cast<std::int64_t>(*std::max_element(maxs, maxs + 8)) - lo);
    int bits = 0;
    while (bits < 32 && (range >> bits) != 0) ++bits;
    const int passes = std::max(1, (bits + 11) / 12);  // 12 bits a digit or fewer: the counts stay in L1 (8 bits: no faster)
    const int digit = (bits + passes - 1) / passes;
    const std::size_t buckets = std::size_t{1} << digit;
    // The values themselves move (a digit is taken from k - lo as they pass), between v and one
    // scratch buffer kept per thread: no pass to write keys or to undo them.
    static thread_local std::vector<std::int32_t> scratch_buffer;
    if (scratch_buffer.size() < n) scratch_buffer.resize(n);
    std::int32_t* const scratch = scratch_buffer.data();
    auto digit_of = [lo, digit, buckets](std::int32_t k, int p) {
      return static_cast<std::size_t>((static_cast<std::uint32_t>(static_cast<std::int64_t>(k) - lo) >> (p * digit)) & (buckets - 1));
    };
    std::vector<std::uint32_t> counts(static_cast<std::size_t>(passes) * buckets, 0);
    for (std::size_t i = 0; i < n; ++i)
      for (int p = 0; p < passes; ++p) ++counts[static_cast<std::size_t>(p) * buckets + digit_of(v[i], p)];
    std::int32_t* from = v.data();
    std::int32_t* to = scratch;
    for (int p = 0; p < passes; ++p) {
      std::uint32_t* cp = counts.data() + static_cast<std::size_t>(p) * buckets;
      if (cp[digit_of(from[0], p)] == n) continue;  // one digit: nothing to move
      std::uint32_t sum = 0;
      for (std::size_t b = 0; b < buckets; ++b) {
        const std::uint32_t m = cp[b];
        cp[b] = sum;
        sum += m;
      }
      for (std::size_t i = 0; i < n; ++i) to[cp[digit_of(from[i], p)]++] = from[i];
      std::swap(from, to);
    }
    if (from != v.data()) std::memcpy(v.data(), from, n * sizeof(std::int32_t));
  }
  if (!c.negative_zeros.empty()) {  // first among the zeros, as the sort on the doubles' bits puts them
    const auto zero = static_cast<std::uint64_t>(std::lower_bound(v.begin(), v.end(), 0) - v.begin());
    for (std::size_t i = 0; i < c.negative_zeros.size(); ++i) c.negative_zeros[i] = zero + i;
  }
}

// The walk of ks_2samp below on the integers: which points count and which values are equal is
// the same (distinct k are distinct doubles, in the same order). The extremes are found on the
// exact numerators i * n2 - j * n1, and the double i / n1 - j / n2 scipy takes is computed only
// where the numerator reaches its extreme so far (a few thousand points of a million): its
// rounding is below 2^-52, so with n1 * n2 <= 2^50 no point of a smaller numerator can round
// above one of the largest. Of the points that share the extreme numerator, the largest double
// (smallest for the minimum), as numpy's max over all of them.
bool ks_2samp_scaled(const Column& a, const Column& b, TestResult& out) {
  if (a.scale < 0 || a.scale != b.scale) return false;
  const std::uint64_t un1 = a.scaled.size(), un2 = b.scaled.size();
  if (un1 == 0 || un2 == 0) {
    out = {k_nan, k_nan};
    return true;
  }
  if (un1 > (std::uint64_t{1} << 50) / un2) return false;
  const auto n1 = static_cast<std::int64_t>(un1), n2 = static_cast<std::int64_t>(un2);
  const std::int32_t* x = a.scaled.data();
  const std::int32_t* y = b.scaled.data();
  constexpr std::int64_t k_end = std::numeric_limits<std::int64_t>::max();  // past the last value
  std::int64_t i = 0, j = 0;
  std::int64_t hi = std::numeric_limits<std::int64_t>::min(), lo = std::numeric_limits<std::int64_t>::max();
  double max_s = -std::numeric_limits<double>::infinity(), min_s = std::numeric_limits<double>::infinity();
  while (i < n1 || j < n2) {
    const std::int64_t xv = i < n1 ? x[i] : k_end, yv = j < n2 ? y[j] : k_end;
    const std::int64_t v = std::min(xv, yv);
    i += xv <= v ? 1 : 0;
    j += yv <= v ? 1 : 0;
    const std::int64_t next = std::min(i < n1 ? x[i] : k_end, j < n2 ? y[j] : k_end);
    // A point of the CDFs where no value equal to this one is left; as bits, not &&, so that
    // ties (a third of the steps at six decimals) are no branch to mispredict.
    const bool complete = next != v;
    const std::int64_t m = i * n2 - j * n1;
    if (complete & (m >= hi)) {
      const double d = static_cast<double>(i) / static_cast<double>(n1) - static_cast<double>(j) / static_cast<double>(n2);
      max_s = m > hi ? d : std::max(max_s, d);
      hi = m;
    }
    if (complete & (m <= lo)) {
      const double d = static_cast<double>(i) / static_cast<double>(n1) - static_cast<double>(j) / static_cast<double>(n2);
      min_s = m < lo ? d : std::min(min_s, d);
      lo = m;
    }
  }
  const double minS = std::clamp(-min_s, 0.0, 1.0);
  out = ks_pvalue(minS > max_s ? minS : max_s, un1, un2, false);
  return true;
}

TestResult ks_2samp(std::vector<double>& a, std::vector<double>& b, bool asymptotic) {
  sort_values(a);
  sort_values(b);
  const long n1 = static_cast<long>(a.size()), n2 = static_cast<long>(b.size());
  if (n1 == 0 || n2 == 0) return {k_nan, k_nan};
  // cdf1 - cdf2 at every pooled value; the extremes decide D.
  double max_s = -std::numeric_limits<double>::infinity(), min_s = std::numeric_limits<double>::infinity();
  std::size_t i = 0, j = 0;
  // While both sides have values: one step a value (both on a tie across the sides), without
  // branches on the comparison (random order mispredicts half of them); the difference counts
  // only where no value equal to this one is left, as in the loop below.
  const double inf = std::numeric_limits<double>::infinity();
  while (i < a.size() && j < b.size()) {
    const double x = a[i], y = b[j];
    const double v = std::min(x, y);
    i += x <= v ? 1 : 0;
    j += y <= v ? 1 : 0;
    const double next = std::min(i < a.size() ? a[i] : inf, j < b.size() ? b[j] : inf);
    const double d = static_cast<double>(i) / static_cast<double>(n1) - static_cast<double>(j) / static_cast<double>(n2);
    const bool complete = next > v;
    max_s = std::max(max_s, complete ? d : -inf);
    min_s = std::min(min_s, complete ? d : inf);
  }
  while (i < a.size() || j < b.size()) {
    double x;
    if (j == b.size() || (i < a.size() && a[i] <= b[j])) x = a[i];
    else x = b[j];
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    const double d = static_cast<double>(i) / static_cast<double>(n1) - static_cast<double>(j) / static_cast<double>(n2);
    max_s = std::max(max_s, d);
    min_s = std::min(min_s, d);
  }
  const double minS = std::clamp(-min_s, 0.0, 1.0);
  return ks_pvalue(minS > max_s ? minS : max_s, static_cast<std::uint64_t>(n1), static_cast<std::uint64_t>(n2), asymptotic);
}

TestResult ks_pvalue(double d, std::uint64_t un1, std::uint64_t un2, bool asymptotic) {
  if (un1 == 0 || un2 == 0 || std::isnan(d)) return {k_nan, k_nan};
  const long n1 = static_cast<long>(un1), n2 = static_cast<long>(un2);
  const long g = std::gcd(n1, n2);
  double prob = k_nan;
  bool exact = !asymptotic && std::max(n1, n2) <= 10000;
  if (exact) {
    const long lcm = (n1 / g) * n2;
    const long h = static_cast<long>(std::nearbyint(d * static_cast<double>(lcm)));
    d = static_cast<double>(h) / static_cast<double>(lcm);
    if (h == 0) {
      prob = 1.0;
    } else {
      prob = n1 == n2 ? prob_outside_square(n1, h) : outer_prob_inside(n1, n2, g, h);
      if (!(prob >= 0 && prob <= 1)) exact = false;  // scipy falls back to the asymptotic form
    }
  }
  if (!exact) {
    const double m = static_cast<double>(std::max(n1, n2)), n = static_cast<double>(std::min(n1, n2));
    const double en = m * n / (m + n);
    prob = kstwo_sf(d, std::nearbyint(en));
  }
  return {d, std::clamp(prob, 0.0, 1.0)};
}

TestResult chisquare(const std::vector<double>& observed, const std::vector<double>& expected) {
  double stat = 0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const double diff = observed[i] - expected[i];
    stat += diff * diff / expected[i];
  }
  const double dof = static_cast<double>(observed.size()) - 1;
  return {stat, chi2_sf(stat, dof)};
}

TestResult chi2_contingency(const std::vector<double>& row0, const std::vector<double>& row1) {
  const std::size_t k = row0.size();
  const double r0 = std::accumulate(row0.begin(), row0.end(), 0.0);
  const double r1 = std::accumulate(row1.begin(), row1.end(), 0.0);
  const double total = r0 + r1;
  const std::size_t dof = k - 1;
  if (dof == 0 || k == 0) return {0.0, 1.0};
  double stat = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double col = row0[i] + row1[i];
    for (int r = 0; r < 2; ++r) {
      const double expected = (r == 0 ? r0 : r1) * col / total;
      double observed = r == 0 ? row0[i] : row1[i];
      if (dof == 1) {  // Yates' continuity correction
        const double diff = expected - observed;
        const double direction = diff > 0 ? 1.0 : (diff < 0 ? -1.0 : 0.0);
        observed += std::min(0.5, std::abs(diff)) * direction;
      }
      const double d = observed - expected;
      stat += d * d / expected;
    }
  }
  return {stat, chi2_sf(stat, static_cast<double>(dof))};
}

double jensenshannon(const std::vector<double>& p_in, const std::vector<double>& q_in, double base) {
  const double sp = std::accumulate(p_in.begin(), p_in.end(), 0.0);
  const double sq = std::accumulate(q_in.begin(), q_in.end(), 0.0);
  double left = 0, right = 0;
  for (std::size_t i = 0; i < p_in.size(); ++i) {
    const double p = p_in[i] / sp, q = q_in[i] / sq;
    const double m = (p + q) / 2.0;
    left += rel_entr(p, m);
    right += rel_entr(q, m);
  }
  double js = left + right;
  if (base > 0) js /= std::log(base);
  return std::sqrt(js / 2.0);
}

double kl_divergence(const std::vector<double>& p_in, const std::vector<double>& q_in) {
  const double sp = std::accumulate(p_in.begin(), p_in.end(), 0.0);
  const double sq = std::accumulate(q_in.begin(), q_in.end(), 0.0);
  double s = 0;
  for (std::size_t i = 0; i < p_in.size(); ++i) s += rel_entr(p_in[i] / sp, q_in[i] / sq);
  return s;
}

double wasserstein_distance(std::vector<double>& a, std::vector<double>& b) {
  sort_values(a);
  sort_values(b);
  if (a.empty() || b.empty()) return k_nan;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  // Walk the pooled sorted values: between consecutive ones the two CDFs are constant.
  std::size_t i = 0, j = 0;
  long double sum = 0;
  double prev = std::min(a[0], b[0]);
  while (i < a.size() || j < b.size()) {
    const double x = (j == b.size() || (i < a.size() && a[i] <= b[j])) ? a[i] : b[j];
    sum += std::abs(static_cast<double>(i) / na - static_cast<double>(j) / nb) * (x - prev);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    prev = x;
  }
  return static_cast<double>(sum);
}

double population_std(const std::vector<double>& x) {
  if (x.empty()) return k_nan;
  const double mean = pairwise_sum(x.data(), x.size()) / static_cast<double>(x.size());
  long double s = 0;
  for (double v : x) s += (v - mean) * (v - mean);
  return std::sqrt(static_cast<double>(s) / static_cast<double>(x.size()));
}

std::vector<double> sturges_edges(const std::vector<double>& a, const std::vector<double>& b) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : a) lo = std::min(lo, v), hi = std::max(hi, v);
  for (double v : b) lo = std::min(lo, v), hi = std::max(hi, v);
  const double n = static_cast<double>(a.size() + b.size());
  if (n == 0) return {};
  const double width = (hi - lo) / (std::log2(n) + 1.0);
  double first = lo, last = hi;
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  const long bins = width != 0 ? static_cast<long>(std::ceil((last - first) / width)) : 1;
  std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
  const double step = (last - first) / static_cast<double>(bins);  // numpy.linspace
  for (long i = 0; i <= bins; ++i) edges[static_cast<std::size_t>(i)] = static_cast<double>(i) * step + first;
  edges.back() = last;
  return edges;
}

std::vector<double> histogram(const std::vector<double>& x, const std::vector<double>& edges) {
  if (edges.size() < 2) return {};
  std::vector<double> counts(edges.size() - 1, 0.0);
  if (std::is_sorted(x.begin(), x.end())) {
    // The values of a bin are a run of the sorted values: two binary searches a bin, the same
    // counts as the loop below (bin i holds edges[i] <= v < edges[i + 1], the last one also v
    // equal to its upper edge).
    auto below = [&](double e) { return static_cast<double>(std::lower_bound(x.begin(), x.end(), e) - x.begin()); };
    for (std::size_t i = 0; i + 1 < counts.size(); ++i) counts[i] = std::max(0.0, below(edges[i + 1]) - below(edges[i]));
    counts.back() = std::max(
        0.0, static_cast<double>(std::upper_bound(x.begin(), x.end(), edges.back()) - x.begin()) - below(edges[counts.size() - 1]));
    return counts;
  }
  for (double v : x) {
    if (!(v >= edges.front() && v <= edges.back())) continue;
    auto it = std::upper_bound(edges.begin(), edges.end(), v);
    std::size_t idx = static_cast<std::size_t>(it - edges.begin());
    idx = idx == 0 ? 0 : idx - 1;
    if (idx >= counts.size()) idx = counts.size() - 1;
    counts[idx] += 1;
  }
  return counts;
}

}  // namespace mlops::drift
