// SPDX-License-Identifier: MIT
// What the presets add to Evidently's rules: multiple-testing corrections, NannyML's Doane
// bins, the mlops preset's effect size, and the --types override file.
#include "core/yaml_limits.hpp"

#include <mlops/did_you_mean.hpp>
#include <mlops/drift.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <set>

namespace mlops::drift {

const char* to_string(Preset p) noexcept {
  switch (p) {
    case Preset::evidently: return "evidently";
    case Preset::nannyml: return "nannyml";
    case Preset::alibi: return "alibi";
    case Preset::mlops: return "mlops";
  }
  return "?";
}

std::optional<Preset> parse_preset(std::string_view name) noexcept {
  for (Preset p : {Preset::evidently, Preset::nannyml, Preset::alibi, Preset::mlops})
    if (name == to_string(p)) return p;
  return std::nullopt;
}

const char* to_string(Correction c) noexcept {
  switch (c) {
    case Correction::none: return "none";
    case Correction::bonferroni: return "bonferroni";
    case Correction::bh: return "bh";
  }
  return "?";
}

std::optional<Correction> parse_correction(std::string_view name) noexcept {
  for (Correction c : {Correction::none, Correction::bonferroni, Correction::bh})
    if (name == to_string(c)) return c;
  return std::nullopt;
}

std::vector<double> adjust_p_values(const std::vector<double>& p, Correction c) {
  std::vector<double> out = p;
  if (c == Correction::none) return out;
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) order.push_back(i);
  const double n = static_cast<double>(order.size());
  if (c == Correction::bonferroni) {
    for (std::size_t i : order) out[i] = std::min(1.0, p[i] * n);
    return out;
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  double running = std::numeric_limits<double>::infinity();
  for (std::size_t k = order.size(); k-- > 0;) {
    const double ecdf = static_cast<double>(k + 1) / n;  // statsmodels divides by rank/n
    running = std::min(running, p[order[k]] / ecdf);
    out[order[k]] = std::min(1.0, running);
  }
  return out;
}

std::vector<double> doane_edges(const std::vector<double>& x) {
  if (x.empty()) return {};
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : x) lo = std::min(lo, v), hi = std::max(hi, v);
  const double n = static_cast<double>(x.size());
  double width = 0;
  if (x.size() > 2) {
    const double sg1 = std::sqrt(6.0 * (n - 2) / ((n + 1.0) * (n + 3)));
    long double sum = 0;
    for (double v : x) sum += v;
    const double mean = static_cast<double>(sum / static_cast<long double>(x.size()));
    long double ss = 0;
    for (double v : x) ss += (v - mean) * (v - mean);
    const double sigma = std::sqrt(static_cast<double>(ss / static_cast<long double>(x.size())));
    if (sigma > 0.0) {
      long double cubes = 0;
      for (double v : x) {
        const double t = (v - mean) / sigma;
        cubes += t * t * t;
      }
      const double g1 = static_cast<double>(cubes / static_cast<long double>(x.size()));
      width = (hi - lo) / (1.0 + std::log2(n) + std::log2(1.0 + std::abs(g1) / sg1));
    }
  }
  double first = lo, last = hi;
  if (first == last) first -= 0.5, last += 0.5;
  // A bin count beyond what any sample could need is a degenerate width: one bin then.
  const double count = width != 0 ? std::ceil((last - first) / width) : 1;
  const long bins = count >= 1 && count <= 1e6 ? static_cast<long>(count) : 1;
  std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
  const double step = (last - first) / static_cast<double>(bins);  // numpy.linspace
  for (long i = 0; i <= bins; ++i) edges[static_cast<std::size_t>(i)] = static_cast<double>(i) * step + first;
  edges.back() = last;
  return edges;
}

double cramers_v(const std::vector<double>& row0, const std::vector<double>& row1) {
  const std::size_t k = row0.size();
  if (k < 2) return 0;  // one category on both sides: nothing can differ
  const double r0 = std::accumulate(row0.begin(), row0.end(), 0.0);
  const double r1 = std::accumulate(row1.begin(), row1.end(), 0.0);
  const double total = r0 + r1;
  if (r0 == 0 || r1 == 0) return std::numeric_limits<double>::quiet_NaN();
  double chi2 = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double col = row0[i] + row1[i];
    if (col == 0) continue;
    const double e0 = r0 * col / total, e1 = r1 * col / total;
    chi2 += (row0[i] - e0) * (row0[i] - e0) / e0 + (row1[i] - e1) * (row1[i] - e1) / e1;
  }
  return std::sqrt(chi2 / total);  // min(rows, columns) - 1 is 1 for a 2×k table
}

std::vector<TypeOverride> read_types_file(const std::string& path) {
  constexpr std::size_t k_max_bytes = std::size_t{1} << 20;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(ErrorKind::not_found, "--types: no such file: " + escape_controls(path));
  const std::string text = fs::read_regular_file(path, k_max_bytes);
  const std::string name = escape_controls(path);
  auto at = [&](const YAML::Node& n) { return name + ":" + std::to_string(n.Mark().line + 1); };
  const std::string example = "for example  {\"age\": \"numerical\", \"zip\": \"categorical\", \"id\": \"ignore\"}";
  YAML::Node root;
  try {
    root = yaml::load(text, name);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::invalid_input, name + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML/JSON: " + e.msg, example);
  }
  if (!root.IsMap())
    throw Error(ErrorKind::invalid_input, name + ":" + std::to_string(root.Mark().line + 1) + ": the file must map column names to types",
                example);
  std::vector<TypeOverride> out;
  std::set<std::string> seen;
  const std::vector<std::string> types = {"numerical", "categorical", "text", "ignore"};
  for (const auto& entry : root) {
    if (!entry.first.IsScalar() || entry.first.Scalar().empty())
      throw Error(ErrorKind::invalid_input, at(entry.first) + ": a key must be a column name", example);
    const std::string column = entry.first.Scalar();
    if (!seen.insert(column).second)
      throw Error(ErrorKind::invalid_input, at(entry.first) + ": column " + escape_controls(column) + " is named twice", example);
    const std::string type = entry.second.IsScalar() ? entry.second.Scalar() : std::string();
    TypeOverride o{column, std::nullopt, at(entry.first)};
    if (type == "numerical") o.type = ColumnType::numerical;
    else if (type == "categorical") o.type = ColumnType::categorical;
    else if (type == "text") o.type = ColumnType::text;
    else if (type != "ignore") {
      const auto close = closest_names(type, types);
      throw Error(ErrorKind::invalid_input,
                  at(entry.second) + ": column " + escape_controls(column) + ": unknown type '" +
                      escape_controls(entry.second.IsScalar() ? type : std::string("a collection")) + "'",
                  close.empty() ? "types: numerical, categorical, text, ignore" : did_you_mean(close));
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace mlops::drift
