// SPDX-License-Identifier: MIT
// The numbers of a column summed up in bounded memory, for reference profiles and for
// --max-memory: the count, min, max, mean and the sum of squared deviations (exact to
// rounding), the count of every value while there are at most k_exact_distinct of them
// (so a column of few values stays exact, whatever its length), and a KLL sketch.
#pragma once

#include "drift/kll.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace mlops::drift {

class NumberSketch {
 public:
  static constexpr std::size_t k_exact_distinct = 64;
  static constexpr std::uint16_t k_default_k = 1024;  // rank error about 0.27% (99%)

  explicit NumberSketch(std::uint16_t k = k_default_k) : m_kll(k) {}

  void add(double x, std::uint64_t weight = 1);
  void add_sorted(const std::vector<double>& sorted);  // every value once, faster than add()
  void merge(const NumberSketch& other);

  std::uint64_t count() const noexcept { return m_kll.count(); }
  double min() const noexcept { return m_kll.min(); }
  double max() const noexcept { return m_kll.max(); }
  double mean() const noexcept { return m_mean; }
  double m2() const noexcept { return m_m2; }
  double population_std() const;
  // True while every value's count is known (few distinct values): tests on it are exact.
  bool exact() const noexcept { return m_counts_valid; }
  const std::map<double, std::uint64_t>& counts() const noexcept { return m_counts; }
  const KllSketch& kll() const noexcept { return m_kll; }
  // 0 when exact, else the sketch's normalized rank error (99%).
  // (A sketch that never compacted holds every value: exact too.)
  double rank_error() const noexcept { return exact() || m_kll.levels().size() == 1 ? 0.0 : KllSketch::rank_error(m_kll.k()); }
  // Sorted distinct (value, weight): the exact counts, else the sketch's weighted values.
  std::vector<std::pair<double, std::uint64_t>> weighted() const;

  // For reading a profile: the moments as written (the sketch and counts come through add()).
  void set_moments(double mean, double m2) noexcept { m_mean = mean, m_m2 = m2; }
  void set_sketch(KllSketch kll) {
    m_kll = std::move(kll);
    m_counts.clear();
    m_counts_valid = false;
  }

 private:
  KllSketch m_kll;
  std::map<double, std::uint64_t> m_counts;
  bool m_counts_valid = true;
  double m_mean = 0, m_m2 = 0;
};

}  // namespace mlops::drift
