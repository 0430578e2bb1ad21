// SPDX-License-Identifier: MIT
#include "drift/number_sketch.hpp"

#include <algorithm>
#include <cmath>

namespace mlops::drift {

void NumberSketch::add(double x, std::uint64_t weight) {
  if (!std::isfinite(x) || weight == 0) return;
  const double n0 = static_cast<double>(m_kll.count());
  const double w = static_cast<double>(weight);
  // Welford's update, weighted: stable where sum and sum of squares would cancel.
  const double delta = x - m_mean;
  m_mean += delta * w / (n0 + w);
  m_m2 += delta * w * (x - m_mean);
  m_kll.update(x, weight);
  if (!m_counts_valid) return;
  m_counts[x] += weight;
  if (m_counts.size() > k_exact_distinct) {
    m_counts.clear();
    m_counts_valid = false;
  }
}

void NumberSketch::add_sorted(const std::vector<double>& sorted) {
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    add(sorted[i], j - i);
    i = j;
  }
}

void NumberSketch::merge(const NumberSketch& o) {
  if (o.count() == 0) return;
  const double na = static_cast<double>(count()), nb = static_cast<double>(o.count());
  const double delta = o.m_mean - m_mean;  // Chan et al.'s pairwise combination
  m_mean += delta * nb / (na + nb);
  m_m2 += o.m_m2 + delta * delta * na * nb / (na + nb);
  m_kll.merge(o.m_kll);
  if (m_counts_valid && o.m_counts_valid) {
    for (const auto& [v, n] : o.m_counts) m_counts[v] += n;
    if (m_counts.size() <= k_exact_distinct) return;
  }
  m_counts.clear();
  m_counts_valid = false;
}

double NumberSketch::population_std() const {
  return count() == 0 ? std::nan("") : std::sqrt(std::max(0.0, m_m2) / static_cast<double>(count()));
}

std::vector<std::pair<double, std::uint64_t>> NumberSketch::weighted() const {
  if (m_counts_valid) return {m_counts.begin(), m_counts.end()};
  auto v = m_kll.weighted_values();
  // Equal values from several levels: one entry.
  std::size_t out = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (out > 0 && v[out - 1].first == v[i].first) v[out - 1].second += v[i].second;
    else v[out++] = v[i];
  }
  v.resize(out);
  return v;
}

}  // namespace mlops::drift
