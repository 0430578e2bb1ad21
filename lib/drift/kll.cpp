// SPDX-License-Identifier: MIT
#include "drift/kll.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mlops::drift {
namespace {
constexpr std::size_t k_min_capacity = 8;  // no level below this, however far from the top
}

KllSketch::KllSketch(std::uint16_t k)
    : m_k(std::max<std::uint16_t>(k, 8)), m_min(std::numeric_limits<double>::infinity()), m_max(-m_min), m_levels(1) {
  refresh_capacities();
}

double KllSketch::rank_error(std::uint16_t k) {
  // Fitted by the DataSketches authors to their KLL's measured errors (two-sided, 99%).
  return 2.296 / std::pow(static_cast<double>(k), 0.9723);
}

std::size_t KllSketch::capacity(std::size_t level) const {
  // The top level holds k values, each one below 2/3 of the one above, at least 8.
  const std::size_t depth = m_levels.size() - 1 - level;
  const double c = std::ceil(static_cast<double>(m_k) * std::pow(2.0 / 3.0, static_cast<double>(depth)));
  return std::max(k_min_capacity, static_cast<std::size_t>(c));
}

bool KllSketch::random_bit() {  // splitmix64
  m_random += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = m_random;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return ((z ^ (z >> 31)) & 1) != 0;
}

void KllSketch::update(double x) {
  if (std::isnan(x)) return;
  ++m_n;
  m_min = std::min(m_min, x);
  m_max = std::max(m_max, x);
  m_levels[0].push_back(x);
  if (++m_retained < m_total_capacity) return;  // the common case
  compress_if_full();
}

void KllSketch::update(double x, std::uint64_t weight) {
  if (std::isnan(x) || weight == 0) return;
  m_n += weight;
  m_min = std::min(m_min, x);
  m_max = std::max(m_max, x);
  for (std::size_t h = 0; weight != 0; ++h, weight >>= 1) {
    if ((weight & 1) == 0) continue;
    if (h >= m_levels.size()) m_levels.resize(h + 1);
    m_levels[h].push_back(x);
    ++m_retained;
  }
  compress_if_full();
}

std::optional<KllSketch> KllSketch::restore(std::uint16_t k, std::uint64_t n, double min, double max,
                                            std::vector<std::vector<double>> levels) {
  if (k < 8 || levels.empty() || levels.size() > k_max_levels) return std::nullopt;
  KllSketch s(k);
  std::uint64_t total = 0;
  std::size_t retained = 0;
  for (std::size_t h = 0; h < levels.size(); ++h) {
    for (const double v : levels[h]) {
      if (!std::isfinite(v) || v < min || v > max) return std::nullopt;
      if (__builtin_add_overflow(total, std::uint64_t{1} << h, &total)) return std::nullopt;
    }
    retained += levels[h].size();
  }
  if (total != n || (n == 0) != (retained == 0)) return std::nullopt;
  if (n != 0 && !(std::isfinite(min) && std::isfinite(max) && min <= max)) return std::nullopt;
  s.m_levels = std::move(levels);
  s.m_n = n;
  s.m_retained = retained;
  if (n != 0) s.m_min = min, s.m_max = max;
  s.refresh_capacities();
  s.compress_if_full();
  return s;
}

void KllSketch::merge(const KllSketch& other) {
  if (other.m_n == 0) return;
  if (other.m_levels.size() > m_levels.size()) m_levels.resize(other.m_levels.size());
  for (std::size_t h = 0; h < other.m_levels.size(); ++h)
    m_levels[h].insert(m_levels[h].end(), other.m_levels[h].begin(), other.m_levels[h].end());
  m_n += other.m_n;
  m_retained += other.m_retained;
  m_min = std::min(m_min, other.m_min);
  m_max = std::max(m_max, other.m_max);
  compress_if_full();
}

void KllSketch::refresh_capacities() {
  // The capacities change only when a level is added: worked out then, not per value.
  m_capacities.resize(m_levels.size());
  m_total_capacity = 0;
  for (std::size_t h = 0; h < m_levels.size(); ++h) m_total_capacity += m_capacities[h] = capacity(h);
}

void KllSketch::compress_if_full() {
  if (m_capacities.size() != m_levels.size()) refresh_capacities();
  while (m_retained >= m_total_capacity) {
    // The lowest level at or over its capacity: half of its values (every other one of the
    // sorted values, from a random start) go up a level with twice the weight. An odd one
    // out stays, so that the total weight is kept exactly.
    std::size_t h = 0;
    while (h + 1 < m_levels.size() && m_levels[h].size() < m_capacities[h]) ++h;
    if (h + 1 == m_levels.size()) {
      m_levels.emplace_back();
      refresh_capacities();
    }
    std::vector<double>& level = m_levels[h];
    std::sort(level.begin(), level.end());
    const std::size_t odd = level.size() % 2;  // the smallest stays behind when the count is odd
    const std::size_t offset = random_bit() ? 1 : 0;
    std::vector<double>& up = m_levels[h + 1];
    for (std::size_t i = odd + offset; i < level.size(); i += 2) up.push_back(level[i]);
    m_retained -= (level.size() - odd) / 2;
    level.resize(odd);
  }
}

std::vector<std::pair<double, std::uint64_t>> KllSketch::weighted_values() const {
  std::vector<std::pair<double, std::uint64_t>> out;
  out.reserve(m_retained);
  for (std::size_t h = 0; h < m_levels.size(); ++h)
    for (const double x : m_levels[h]) out.emplace_back(x, std::uint64_t{1} << h);
  std::sort(out.begin(), out.end());
  return out;
}

double KllSketch::rank(double x) const {
  if (m_n == 0) return std::numeric_limits<double>::quiet_NaN();
  std::uint64_t below = 0;
  for (std::size_t h = 0; h < m_levels.size(); ++h)
    for (const double v : m_levels[h])
      if (v <= x) below += std::uint64_t{1} << h;
  return static_cast<double>(below) / static_cast<double>(m_n);
}

double KllSketch::quantile(double q) const {
  if (m_n == 0 || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  if (q <= 0) return m_min;
  if (q >= 1) return m_max;
  const auto values = weighted_values();
  const double want = q * static_cast<double>(m_n);
  std::uint64_t cumulative = 0;
  for (const auto& [v, w] : values) {
    cumulative += w;
    if (static_cast<double>(cumulative) >= want) return v;
  }
  return m_max;
}

}  // namespace mlops::drift
