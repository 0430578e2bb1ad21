// SPDX-License-Identifier: MIT
// A KLL quantile sketch (Karnin, Lang, Liberty, "Optimal Quantile Approximation in Streams",
// 2016): the building block of reference profiles, where a column of any length is summed up
// in a few kilobytes and profiles of partitions or days merge. Written by hand: Debian 12
// packages no quantile sketch for C++ (Apache DataSketches is not packaged).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace mlops::drift {

class KllSketch {
 public:
  // k sets the accuracy: the normalized rank error is about rank_error(k) (1.3% at k = 200)
  // with 99% confidence, in about 3k values of memory whatever the count.
  explicit KllSketch(std::uint16_t k = 200);

  void update(double x);  // NaN is not a value: ignored
  // x counted `weight` times, in O(log weight): one value in each level of a set bit.
  void update(double x, std::uint64_t weight);
  void merge(const KllSketch& other);  // as if every value of other had been added here
  std::uint64_t count() const noexcept { return m_n; }
  bool empty() const noexcept { return m_n == 0; }
  double min() const noexcept { return m_min; }
  double max() const noexcept { return m_max; }
  std::uint16_t k() const noexcept { return m_k; }
  std::size_t retained() const noexcept { return m_retained; }  // values kept, of every level

  // The estimated fraction of values <= x.
  double rank(double x) const;
  // The smallest kept value whose estimated rank is >= q (q in [0, 1]); min() at 0, max() at 1.
  double quantile(double q) const;
  // Every kept value with its weight, sorted by value: the sketch's step CDF.
  std::vector<std::pair<double, std::uint64_t>> weighted_values() const;

  // The two-sided normalized rank error bound at 99% confidence for this k.
  static double rank_error(std::uint16_t k);

  // For serialization: level h holds values of weight 2^h.
  const std::vector<std::vector<double>>& levels() const noexcept { return m_levels; }
  // The sketch that levels() of a sketch with this k, count, min and max described; nullopt
  // when they do not fit together (from a hostile file: weights that do not sum to n, a value
  // outside [min, max] or not finite, more levels or values than a sketch can hold).
  static std::optional<KllSketch> restore(std::uint16_t k, std::uint64_t n, double min, double max,
                                          std::vector<std::vector<double>> levels);
  static constexpr std::size_t k_max_levels = 63;

 private:
  std::size_t capacity(std::size_t level) const;
  void compress_if_full();
  void refresh_capacities();
  bool random_bit();

  std::uint16_t m_k;
  std::uint64_t m_n = 0;
  double m_min, m_max;
  std::vector<std::vector<double>> m_levels;
  std::vector<std::size_t> m_capacities;
  std::size_t m_total_capacity = 0, m_retained = 0;
  std::uint64_t m_random = 0x9E3779B97F4A7C15ull;  // fixed seed: the same input gives the same sketch
};

}  // namespace mlops::drift
