// SPDX-License-Identifier: MIT
// Which test each column gets and what it concludes: Evidently's defaults (column types,
// the 1000-row switch, thresholds and their comparators, the dataset share), columns
// computed in parallel.
#include "core/worker_pool.hpp"
#include "drift/number_sketch.hpp"
#include "drift/window.hpp"

#include <mlops/did_you_mean.hpp>
#include <mlops/drift.hpp>
#include <mlops/drift_profile.hpp>
#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

namespace mlops::drift {
namespace {

constexpr double k_no_value = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t k_integer_cardinality_limit = 10;  // Evidently's INTEGER_CARDINALITY_LIMIT
constexpr std::size_t k_small_reference = 1000;          // KS/chi-square/z up to this many reference values
constexpr std::size_t k_html_bins = 10;                  // Evidently's DEFAULT_NBINSX

std::string number_key(double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

std::uint64_t number_count(const Column& c) { return c.numbers.size() + c.scaled.size() + (c.sketch ? c.sketch->count() : 0); }

// Counts per category over the union of both sides' values (in sorted key order).
struct Categories {
  std::vector<std::string> keys;
  std::vector<double> ref, cur;
  double n_ref = 0, n_cur = 0;
};

Categories categories_of_numbers(const std::vector<double>& r, const std::vector<double>& c) {
  std::map<double, std::pair<double, double>> m;
  for (double v : r) m[v].first += 1;
  for (double v : c) m[v].second += 1;
  Categories out;
  for (const auto& [k, counts] : m) {
    out.keys.push_back(number_key(k));
    out.ref.push_back(counts.first);
    out.cur.push_back(counts.second);
  }
  out.n_ref = static_cast<double>(r.size());
  out.n_cur = static_cast<double>(c.size());
  return out;
}

Categories categories_of_text(const Column& r, const Column& c) {
  std::map<std::string, std::pair<double, double>> m;
  for (double v : r.numbers) m[number_key(v)].first += 1;
  for (double v : c.numbers) m[number_key(v)].second += 1;
  for (const auto& [k, n] : r.text) m[k].first += static_cast<double>(n);
  for (const auto& [k, n] : c.text) m[k].second += static_cast<double>(n);
  if (r.sketch)  // exact counts, or the column is not tested (test_column)
    for (const auto& [v, n] : r.sketch->counts()) m[number_key(v)].first += static_cast<double>(n);
  if (c.sketch)
    for (const auto& [v, n] : c.sketch->counts()) m[number_key(v)].second += static_cast<double>(n);
  Categories out;
  for (const auto& [k, counts] : m) {
    out.keys.push_back(k);
    out.ref.push_back(counts.first);
    out.cur.push_back(counts.second);
  }
  out.n_ref = static_cast<double>(number_count(r) + r.text_cells);
  out.n_cur = static_cast<double>(number_count(c) + c.text_cells);
  return out;
}

// Distinct values up to a cap: the rules only ask whether there are more than 2, 5, 10 or 20,
// and stopping early skips a pass over a million values.
constexpr std::size_t k_distinct_cap = 21;

template <typename T>
std::size_t distinct_sorted(const std::vector<T>& x) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < x.size() && n < k_distinct_cap; ++i) n += (i == 0 || x[i] != x[i - 1]) ? 1 : 0;
  return n;
}

template <typename T>
std::size_t distinct_union_sorted(const std::vector<T>& a, const std::vector<T>& b) {
  std::size_t i = 0, j = 0, n = 0;
  T last = 0;
  bool any = false;
  while ((i < a.size() || j < b.size()) && n < k_distinct_cap) {
    const T x = (j == b.size() || (i < a.size() && a[i] <= b[j])) ? a[i++] : b[j++];
    if (!any || x != last) ++n;
    last = x;
    any = true;
  }
  return n;
}

// Evidently's zero fill for PSI and KL (get_binned_data, feel_zeroes=True).
void fill_zeroes(std::vector<double>& p) {
  double min_nonzero = std::numeric_limits<double>::infinity();
  for (double v : p)
    if (v != 0) min_nonzero = std::min(min_nonzero, v);
  if (!std::isfinite(min_nonzero)) return;
  const double fill = min_nonzero <= 0.0001 ? min_nonzero / 1e6 : 0.0001;
  for (double& v : p)
    if (v == 0) v = fill;
}

bool numeric_column(const Column& r, const Column& c) {
  const std::uint64_t numbers = number_count(r) + number_count(c);
  const std::uint64_t text = r.text_cells + c.text_cells;
  return numbers > 0 && numbers > text && !r.text_overflow && !c.text_overflow;
}

struct Work {
  Column* ref = nullptr;
  Column* cur = nullptr;
  ColumnResult* out = nullptr;
  std::optional<Method> method;    // forced, else auto
  std::optional<ColumnType> type;  // --types, else inferred
};

// A column is read as numbers when --types says numerical, or (unless it says otherwise)
// when most of its cells are numbers.
bool numeric_work(const Work& w) {
  if (w.type) return *w.type == ColumnType::numerical;
  return numeric_column(*w.ref, *w.cur);
}

const char* stattest_name(Method m) {
  switch (m) {
    case Method::ks: return "K-S p_value";
    case Method::chisquare: return "chi-square p_value";
    case Method::z: return "Z-test p_value";
    case Method::wasserstein: return "Wasserstein distance (normed)";
    case Method::jensenshannon: return "Jensen-Shannon distance";
    case Method::psi: return "PSI";
    case Method::kl: return "Kullback-Leibler divergence";
    case Method::chi2_contingency: return "chi-square contingency p_value";
    case Method::auto_: break;
  }
  return "";
}

bool is_p_value(Method m) { return m == Method::ks || m == Method::chisquare || m == Method::z; }

double default_threshold(Method m) { return is_p_value(m) ? 0.05 : 0.1; }

void binned(const ColumnResult& res, std::vector<double>& r, std::vector<double>& c, bool numerical, std::size_t ref_nunique,
            const Categories* cats, bool zero_fill, std::vector<double>& pr, std::vector<double>& pc) {
  if (numerical && ref_nunique > 20) {
    const auto edges = sturges_edges(r, c);
    pr = histogram(r, edges);
    pc = histogram(c, edges);
  } else {
    pr = cats->ref;
    pc = cats->cur;
  }
  for (double& v : pr) v /= static_cast<double>(res.n_ref);
  for (double& v : pc) v /= static_cast<double>(res.n_cur);
  if (zero_fill) {
    fill_zeroes(pr);
    fill_zeroes(pc);
  }
}

// Evidently's 10 equal bins over both sides' range, and their labels.
std::vector<double> html_edges(ColumnResult& res, double lo, double hi) {
  double first = lo, last = hi;
  if (first == last) first -= 0.5, last += 0.5;
  std::vector<double> edges(k_html_bins + 1);
  const double step = (last - first) / static_cast<double>(k_html_bins);
  for (std::size_t i = 0; i <= k_html_bins; ++i) edges[i] = static_cast<double>(i) * step + first;
  edges.back() = last;
  for (std::size_t i = 0; i < k_html_bins; ++i) res.bins.push_back(number_key(edges[i]));
  res.bins.push_back(number_key(edges.back()));
  return edges;
}

// The HTML histogram's counts as shares of each side.
void html_shares(ColumnResult& res) {
  const double nr = std::max(1.0, static_cast<double>(res.n_ref)), nc = std::max(1.0, static_cast<double>(res.n_cur));
  for (double& v : res.hist_ref) v /= nr;
  for (double& v : res.hist_cur) v /= nc;
}

// histogram() of a sorted scaled column: the same binary searches, on the integers' doubles.
std::vector<double> histogram_scaled(const Column& c, const std::vector<double>& edges) {
  std::vector<double> counts(edges.size() - 1, 0.0);
  double scale = 1;  // 10^scale, exact
  for (int i = 0; i < c.scale; ++i) scale *= 10;
  const auto less = [scale](std::int32_t k, double e) { return static_cast<double>(k) / scale < e; };
  const auto below = [&](double e) {
    return static_cast<double>(std::lower_bound(c.scaled.begin(), c.scaled.end(), e, less) - c.scaled.begin());
  };
  for (std::size_t i = 0; i + 1 < counts.size(); ++i) counts[i] = std::max(0.0, below(edges[i + 1]) - below(edges[i]));
  const auto upper = std::upper_bound(c.scaled.begin(), c.scaled.end(), edges.back(),
                                      [scale](double e, std::int32_t k) { return e < static_cast<double>(k) / scale; });
  counts.back() = std::max(0.0, static_cast<double>(upper - c.scaled.begin()) - below(edges[counts.size() - 1]));
  return counts;
}

void html_histogram(ColumnResult& res, const std::vector<double>& r, const std::vector<double>& c, const Categories* cats) {
  if (cats == nullptr) {
    const auto edges = html_edges(res, std::min(r.front(), c.front()), std::max(r.back(), c.back()));
    res.hist_ref = histogram(r, edges);
    res.hist_cur = histogram(c, edges);
  } else {
    std::vector<std::size_t> order(cats->keys.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return cats->ref[a] + cats->cur[a] > cats->ref[b] + cats->cur[b]; });
    double other_r = 0, other_c = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::size_t i = order[k];
      if (k < k_html_bins) {
        res.bins.push_back(cats->keys[i]);
        res.hist_ref.push_back(cats->ref[i]);
        res.hist_cur.push_back(cats->cur[i]);
      } else {
        other_r += cats->ref[i];
        other_c += cats->cur[i];
      }
    }
    if (order.size() > k_html_bins) {
      res.bins.push_back("(other)");
      res.hist_ref.push_back(other_r);
      res.hist_cur.push_back(other_c);
    }
  }
  html_shares(res);
}

Method choose_method(const Work& w, const ColumnResult& res, bool numeric, std::size_t n_values) {
  const bool small = res.n_ref <= k_small_reference;
  Method m;
  if (w.method) {
    m = *w.method;
  } else if (res.type == ColumnType::numerical && n_values > 5) {
    m = small ? Method::ks : Method::wasserstein;
  } else if (res.type == ColumnType::numerical && n_values > 2) {
    m = small ? Method::chisquare : Method::jensenshannon;
  } else if (n_values > 2) {
    m = small ? Method::chisquare : Method::jensenshannon;
  } else {
    m = small ? Method::z : Method::jensenshannon;
  }
  if (!numeric && (m == Method::ks || m == Method::wasserstein)) {
    // A global --method that needs numbers leaves categorical columns to the default rule;
    // a per-column one is an error (found in compare()).
    m = small ? (n_values > 2 ? Method::chisquare : Method::z) : Method::jensenshannon;
  }
  return m;
}

// The two-proportion z-test on a column's category counts: the first key counts as 0, every
// other as 1 (the proportion of "not the first key"). `single_key`: both sides hold one and
// the same value, p = 1. Shared by the exact and the sketched paths.
void z_test(const Categories& cats, bool single_key, ColumnResult& res) {
  double p = k_no_value, z = 0;
  if (single_key) {
    p = 1;
  } else {
    const double n1 = cats.n_ref, n2 = cats.n_cur;
    const double p1 = (n1 - cats.ref[0]) / n1, p2 = (n2 - cats.cur[0]) / n2;
    const double P = (p1 * n1 + p2 * n2) / (n1 + n2);
    z = (p1 - p2) / std::sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2));
    p = 2 * (1 - normal_cdf(std::abs(z)));
  }
  res.statistic = z;
  res.p_value = p;
  res.drift_score = p;
  res.comparator = "<";
}

void decide(ColumnResult& res) {
  const double s = res.drift_score;
  const std::string_view cmp = res.comparator;
  if (cmp == "<=") res.drift_detected = s <= res.threshold;
  else if (cmp == "<") res.drift_detected = s < res.threshold;
  else if (cmp == ">") res.drift_detected = s > res.threshold;
  else res.drift_detected = s >= res.threshold;
  if (res.effect_size) res.drift_detected = res.drift_detected && *res.effect_size >= res.effect_threshold;
}

// NannyML's continuous Jensen-Shannon: x binned on the reference's Doane edges, what falls
// outside them a "leftover" bin the reference has none of, base 2.
double nannyml_js(const std::vector<double>& edges, const std::vector<double>& ref_share, const std::vector<double>& x) {
  const std::vector<double> counts = histogram(x, edges);
  const double n = static_cast<double>(x.size());
  double inside = 0;
  std::vector<double> q(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) inside += counts[i], q[i] = counts[i] / n;
  std::vector<double> p = ref_share;
  if (inside < n) {
    q.push_back((n - inside) / n);
    p.push_back(0);
  }
  return jensenshannon(p, q, 2);
}

// NannyML's threshold: the reference in 10 chunks (file order, the last one possibly
// smaller), each chunk's distance to the whole reference, mean + 3 std (ddof 0), within [0, 1].
double nannyml_threshold(const std::vector<double>& edges, const std::vector<double>& ref_share, const std::vector<double>& ref_in_order) {
  const std::size_t size = std::max<std::size_t>(1, ref_in_order.size() / 10);
  std::vector<double> values;
  for (std::size_t i = 0; i < ref_in_order.size(); i += size) {
    const std::vector<double> chunk(ref_in_order.begin() + static_cast<std::ptrdiff_t>(i),
                                    ref_in_order.begin() + static_cast<std::ptrdiff_t>(std::min(ref_in_order.size(), i + size)));
    values.push_back(nannyml_js(edges, ref_share, chunk));
  }
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return std::clamp(mean + 3 * std::sqrt(ss / static_cast<double>(values.size())), 0.0, 1.0);
}

// --preset nannyml|alibi|mlops. `cats` null: a numerical column (r, c sorted; ref_in_order the
// reference's values in file order, for NannyML's chunks). P-value decisions are made again
// after the correction over all columns (compare()).
void preset_column(ColumnResult& res, std::vector<double>& r, std::vector<double>& c, const Categories* cats,
                   const std::vector<double>& ref_in_order, const Options& options) {
  const double alpha = options.threshold.value_or(0.05);
  if (cats != nullptr) {
    // Categories: chi-square on the 2×k table (alibi-detect's ChiSquareDrift, NannyML's chi2).
    const TestResult t = chi2_contingency(cats->ref, cats->cur);
    res.method = Method::chi2_contingency;
    res.stattest = stattest_name(res.method);
    res.statistic = t.statistic;
    res.p_value = t.p_value;
    res.drift_score = t.p_value;
    res.threshold = alpha;
    res.comparator = "<";
    if (options.preset == Preset::mlops) {
      res.effect_size = cramers_v(cats->ref, cats->cur);
      res.effect_size_name = "Cramer's V";
      res.effect_threshold = 0.1;
    }
  } else if (options.preset == Preset::nannyml) {
    const std::vector<double> edges = doane_edges(r);
    std::vector<double> share = histogram(r, edges);
    for (double& v : share) v /= static_cast<double>(r.size());
    res.method = Method::jensenshannon;
    res.stattest = "Jensen-Shannon distance (base 2, Doane bins)";
    res.statistic = nannyml_js(edges, share, c);
    res.drift_score = res.statistic;
    res.threshold = options.threshold ? *options.threshold : nannyml_threshold(edges, share, ref_in_order);
    res.comparator = ">";
    res.log_base = "2";
  } else {
    const TestResult t = ks_2samp(r, c, options.preset == Preset::alibi);
    res.method = Method::ks;
    res.stattest = options.preset == Preset::alibi ? "K-S p_value (asymptotic)" : "K-S p_value";
    res.statistic = t.statistic;
    res.p_value = t.p_value;
    res.drift_score = t.p_value;
    res.threshold = alpha;
    res.comparator = "<";
    if (options.preset == Preset::mlops) {
      res.effect_size = wasserstein_distance(r, c) / std::max(population_std(r), 0.001);
      res.effect_size_name = "Wasserstein distance (normed)";
      res.effect_threshold = 0.1;
    }
  }
  decide(res);
}

void test_sketched_column(Work& w, const Options& options);  // below

void evidently_column(Work& w, const Options& options, bool numeric, std::size_t n_values, std::size_t ref_nunique,
                      std::optional<Categories>& cats);

// Two columns the reader kept as scaled integers (CsvOptions::scaled), brought to one scale.
// Small ones are not worth it (and std::sort, which sort_values uses on them, leaves -0.0 among
// the zeros where it happens to).
bool same_scale(Column& a, Column& b) {
  constexpr std::size_t k_min_scaled = 4096;
  if (a.scale < 0 || b.scale < 0 || a.scaled.size() < k_min_scaled || b.scaled.size() < k_min_scaled) return false;
  const int scale = std::max(a.scale, b.scale);
  return rescale(a, scale) && rescale(b, scale);
}

// evidently_column's K-S case and html_histogram on two sorted scaled columns: the numbers the
// doubles give, without turning the integers back into doubles. False when ks_2samp_scaled
// cannot (then nothing is set).
bool ks_column_scaled(Work& w, const Options& options) {
  Column& rc = *w.ref;
  Column& cc = *w.cur;
  ColumnResult& res = *w.out;
  TestResult t;
  if (!ks_2samp_scaled(rc, cc, t)) return false;
  res.method = Method::ks;
  res.stattest = stattest_name(Method::ks);
  res.threshold = options.threshold.value_or(default_threshold(Method::ks));
  res.statistic = t.statistic;
  res.p_value = t.p_value;
  res.drift_score = t.p_value;
  res.comparator = "<=";
  decide(res);
  const auto edges = html_edges(res, std::min(scaled_value(rc, 0), scaled_value(cc, 0)),
                                std::max(scaled_value(rc, rc.scaled.size() - 1), scaled_value(cc, cc.scaled.size() - 1)));
  res.hist_ref = histogram_scaled(rc, edges);
  res.hist_cur = histogram_scaled(cc, edges);
  html_shares(res);
  for (Column* c : {&rc, &cc}) {
    std::vector<std::int32_t>().swap(c->scaled);
    std::vector<std::uint64_t>().swap(c->negative_zeros);
  }
  return true;
}

void test_column(Work& w, const Options& options) {
  Column& rc = *w.ref;
  Column& cc = *w.cur;
  ColumnResult& res = *w.out;
  res.name = rc.name;
  const bool numeric = numeric_work(w);
  // Scaled integers are sorted as such, and the K-S test walks them; every other path (and
  // every other preset) takes doubles.
  const bool scaled = numeric && !rc.sketch && !cc.sketch && options.preset == Preset::evidently && same_scale(rc, cc);
  if (!scaled) {
    to_doubles(rc);
    to_doubles(cc);
  }
  res.type_overridden = w.type.has_value();
  std::vector<double> ref_in_order;
  res.missing_ref = rc.missing;
  res.missing_cur = cc.missing;
  if (numeric && (rc.sketch || cc.sketch)) {
    test_sketched_column(w, options);
    return;
  }
  if (numeric) {
    res.unparsable_ref = rc.text_cells;
    res.unparsable_cur = cc.text_cells;
    res.missing_ref += rc.text_cells;
    res.missing_cur += cc.text_cells;
    rc.text.clear();
    cc.text.clear();
    if (options.preset == Preset::nannyml) ref_in_order = rc.numbers;
    if (scaled) {
      sort_scaled(rc);
      sort_scaled(cc);
    } else {
      sort_values(rc.numbers);
      sort_values(cc.numbers);
    }
    res.n_ref = rc.numbers.size() + rc.scaled.size();
    res.n_cur = cc.numbers.size() + cc.scaled.size();
    // pandas reads integers without a missing cell as int64; Evidently calls such a column
    // categorical when it has at most 10 distinct values.
    const bool int_dtype =
        rc.integer_literals && cc.integer_literals && rc.missing == 0 && cc.missing == 0 && rc.text_cells == 0 && cc.text_cells == 0;
    res.type = int_dtype && (scaled ? distinct_sorted(rc.scaled) : distinct_sorted(rc.numbers)) <= k_integer_cardinality_limit
                   ? ColumnType::categorical
                   : ColumnType::numerical;
    if (w.type) res.type = ColumnType::numerical;
  } else {
    res.n_ref = number_count(rc) + rc.text_cells;
    res.n_cur = number_count(cc) + cc.text_cells;
    res.type = ColumnType::categorical;
    if ((rc.sketch && !rc.sketch->exact()) || (cc.sketch && !cc.sketch->exact())) {
      res.skipped = "mostly text, with numbers summed up by a sketch (--max-memory): not tested";
      return;
    }
    if (rc.text_overflow || cc.text_overflow) {
      res.type = ColumnType::text;
    } else if (w.type) {
      res.type = *w.type;
    } else {
      std::set<std::string> distinct;
      for (const auto& [k, n] : rc.text) distinct.insert(k);
      for (double v : rc.numbers) distinct.insert(number_key(v));
      if (rc.sketch)
        for (const auto& [v, n] : rc.sketch->counts()) distinct.insert(number_key(v));
      if (static_cast<double>(distinct.size()) > 0.5 * static_cast<double>(res.n_ref)) res.type = ColumnType::text;
    }
  }
  if (res.n_ref == 0 || res.n_cur == 0) {
    res.skipped = std::string("no values in the ") + (res.n_ref == 0 ? "reference" : "current") + " data";
    return;
  }
  if (res.type == ColumnType::text) {
    res.skipped = (rc.text_overflow || cc.text_overflow) ? "free text (more than 100000 distinct values): not tested"
                  : w.type                               ? "text (--types): not tested"
                                                         : "free text (more than half its values distinct): not tested";
    return;
  }
  std::optional<Categories> cats;
  std::size_t n_values = 0, ref_nunique = 0;  // numeric: at most k_distinct_cap
  if (scaled) {
    n_values = distinct_union_sorted(rc.scaled, cc.scaled);
    ref_nunique = distinct_sorted(rc.scaled);
    // The K-S test of a numerical column needs only the order; anything else the doubles, which
    // come out sorted.
    if (choose_method(w, res, numeric, n_values) == Method::ks && res.type == ColumnType::numerical && ref_nunique > 20 &&
        ks_column_scaled(w, options))
      return;
    to_doubles(rc);
    to_doubles(cc);
  } else if (numeric) {
    n_values = distinct_union_sorted(rc.numbers, cc.numbers);
    ref_nunique = distinct_sorted(rc.numbers);
  } else {
    cats = categories_of_text(rc, cc);
    n_values = cats->keys.size();
    ref_nunique = 0;
    for (double v : cats->ref) ref_nunique += v > 0 ? 1 : 0;
  }
  if (options.preset != Preset::evidently) {
    if (!cats && (!numeric || res.type == ColumnType::categorical)) cats = categories_of_numbers(rc.numbers, cc.numbers);
    preset_column(res, rc.numbers, cc.numbers, res.type == ColumnType::numerical && numeric ? nullptr : &*cats, ref_in_order, options);
  } else {
    evidently_column(w, options, numeric, n_values, ref_nunique, cats);
  }
  html_histogram(res, rc.numbers, cc.numbers, (numeric && res.type == ColumnType::numerical) ? nullptr : &*cats);
  if (numeric) {
    // Done with them: free the memory while other columns are computed (= {} keeps it).
    std::vector<double>().swap(rc.numbers);
    std::vector<double>().swap(cc.numbers);
  }
}

void evidently_column(Work& w, const Options& options, bool numeric, std::size_t n_values, std::size_t ref_nunique,
                      std::optional<Categories>& cats) {
  Column& rc = *w.ref;
  Column& cc = *w.cur;
  ColumnResult& res = *w.out;
  const Method m = choose_method(w, res, numeric, n_values);
  if (numeric && !cats && (m == Method::chisquare || m == Method::z || ref_nunique <= 20 || res.type == ColumnType::categorical))
    cats = categories_of_numbers(rc.numbers, cc.numbers);
  res.method = m;
  res.stattest = stattest_name(m);
  res.threshold = options.threshold.value_or(default_threshold(m));
  const bool numerical = res.type == ColumnType::numerical;
  switch (m) {
    case Method::ks: {
      const TestResult t = ks_2samp(rc.numbers, cc.numbers);
      res.statistic = t.statistic;
      res.p_value = t.p_value;
      res.drift_score = t.p_value;
      res.comparator = "<=";
      break;
    }
    case Method::wasserstein: {
      const double wd = wasserstein_distance(rc.numbers, cc.numbers);
      res.statistic = wd;
      res.drift_score = wd / std::max(population_std(rc.numbers), 0.001);
      res.comparator = ">=";
      break;
    }
    case Method::chisquare: {
      std::vector<double> expected(cats->ref.size());
      const double k_norm = cats->n_cur / cats->n_ref;
      for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = cats->ref[i] * k_norm;
      const TestResult t = chisquare(cats->cur, expected);
      res.statistic = t.statistic;
      res.p_value = t.p_value;
      res.drift_score = t.p_value;
      res.comparator = "<";
      break;
    }
    case Method::z: {
      const auto positive = [](double v) { return v > 0; };
      const bool single = std::count_if(cats->ref.begin(), cats->ref.end(), positive) == 1 &&
                          std::count_if(cats->cur.begin(), cats->cur.end(), positive) == 1 && cats->keys.size() == 1;
      z_test(*cats, single, res);
      break;
    }
    case Method::jensenshannon:
    case Method::psi:
    case Method::kl: {
      std::vector<double> pr, pc;
      binned(res, rc.numbers, cc.numbers, numerical, ref_nunique, cats ? &*cats : nullptr, m != Method::jensenshannon, pr, pc);
      double v = 0;
      if (m == Method::jensenshannon) {
        v = jensenshannon(pr, pc);
      } else if (m == Method::kl) {
        v = kl_divergence(pr, pc);
      } else {
        for (std::size_t i = 0; i < pr.size(); ++i) v += (pr[i] - pc[i]) * std::log(pr[i] / pc[i]);
      }
      res.statistic = v;
      res.drift_score = v;
      res.comparator = ">=";
      res.log_base = "e";
      break;
    }
    case Method::chi2_contingency:
    case Method::auto_: break;
  }
  decide(res);
}

// ---- a column summed up by a sketch (reference profile, --max-memory) ----
// The same rules as test_column, over sorted (value, weight) pairs: exact where the counts
// are known (few distinct values, or the side that kept its numbers), else the KLL sketch's
// step CDF, whose rank error bounds the K-S statistic and the Wasserstein distance.

struct Side {
  std::vector<std::pair<double, std::uint64_t>> values;  // a sketch's: sorted, distinct
  std::vector<double> sorted;                            // or the numbers kept, sorted
  bool kept = false;                                     // which of the two
  std::uint64_t n = 0;
  double rank_error = 0;  // 0: exact
  double std = 0, lo = 0, hi = 0;
};

Side side_of(Column& c) {
  Side s;
  if (c.sketch) {
    s.values = c.sketch->weighted();
    s.n = c.sketch->count();
    s.rank_error = c.sketch->rank_error();
    s.std = c.sketch->population_std();
    if (!s.values.empty()) s.lo = s.values.front().first, s.hi = s.values.back().first;
  } else {
    // Kept as they are (no (value, count) copy: 10 million values would take 160 MB more).
    sort_values(c.numbers);
    s.sorted = std::move(c.numbers);
    c.numbers = std::vector<double>();
    s.kept = true;
    s.n = s.sorted.size();
    s.std = population_std(s.sorted);
    if (!s.sorted.empty()) s.lo = s.sorted.front(), s.hi = s.sorted.back();
  }
  return s;
}

// One side's distinct values in order, with their weights.
struct Cursor {
  const Side& s;
  std::size_t i = 0;
  bool done() const { return i >= (s.kept ? s.sorted.size() : s.values.size()); }
  double value() const { return s.kept ? s.sorted[i] : s.values[i].first; }
  std::uint64_t take() {
    if (!s.kept) return s.values[i++].second;
    std::size_t j = i + 1;
    while (j < s.sorted.size() && s.sorted[j] == s.sorted[i]) ++j;
    const std::size_t n = j - i;
    i = j;
    return n;
  }
};

// Walks both sides' values in order: f(x, previous x, cdfs before x, cdfs after x).
template <class F>
void walk(const Side& r, const Side& c, F f) {
  Cursor a{r}, b{c};
  std::uint64_t cr = 0, cc = 0;
  double prev = std::min(r.lo, c.lo);
  while (!a.done() || !b.done()) {
    const double x = b.done() || (!a.done() && a.value() <= b.value()) ? a.value() : b.value();
    const double fr_before = static_cast<double>(cr) / static_cast<double>(r.n);
    const double fc_before = static_cast<double>(cc) / static_cast<double>(c.n);
    if (!a.done() && a.value() == x) cr += a.take();
    if (!b.done() && b.value() == x) cc += b.take();
    f(x, prev, fr_before, fc_before, static_cast<double>(cr) / static_cast<double>(r.n),
      static_cast<double>(cc) / static_cast<double>(c.n));
    prev = x;
  }
}

// Distinct values of one side, or of both together, up to k_distinct_cap.
std::size_t distinct_capped(const Side& r, const Side* c) {
  static const Side none;
  Cursor a{r}, b{c != nullptr ? *c : none};
  std::size_t n = 0;
  while ((!a.done() || !b.done()) && n < k_distinct_cap) {
    const double x = b.done() || (!a.done() && a.value() <= b.value()) ? a.value() : b.value();
    if (!a.done() && a.value() == x) a.take();
    if (!b.done() && b.value() == x) b.take();
    ++n;
  }
  return n;
}

std::vector<double> weighted_histogram(const Side& s, const std::vector<double>& edges) {
  if (s.kept) return histogram(s.sorted, edges);
  // numpy.histogram's bins: edges[i] <= v < edges[i + 1], the last one closed.
  std::vector<double> counts(edges.size() - 1, 0.0);
  for (const auto& [v, n] : s.values) {
    if (v < edges.front() || v > edges.back()) continue;
    auto k = static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
    k = std::min(k, edges.size() - 1) - 1;
    counts[k] += static_cast<double>(n);
  }
  return counts;
}

std::vector<double> equal_edges(double lo, double hi, std::size_t bins) {
  // numpy.linspace over [lo, hi] (widened by 0.5 each way when they are equal).
  if (lo == hi) lo -= 0.5, hi += 0.5;
  std::vector<double> edges(bins + 1);
  const double step = (hi - lo) / static_cast<double>(bins);
  for (std::size_t i = 0; i <= bins; ++i) edges[i] = static_cast<double>(i) * step + lo;
  edges.back() = hi;
  return edges;
}

std::vector<double> sturges_edges_of(double lo, double hi, std::uint64_t n) {
  // sturges_edges() from the range and count alone.
  const double width = (hi - lo) / (std::log2(static_cast<double>(n)) + 1.0);
  const double span = lo == hi ? 1.0 : hi - lo;
  const std::size_t bins = width != 0 ? static_cast<std::size_t>(std::ceil(span / width)) : 1;
  return equal_edges(lo, hi, bins);
}

void test_sketched_column(Work& w, const Options& options) {
  Column& rc = *w.ref;
  Column& cc = *w.cur;
  ColumnResult& res = *w.out;
  res.unparsable_ref = rc.text_cells;
  res.unparsable_cur = cc.text_cells;
  res.missing_ref = rc.missing + rc.text_cells;
  res.missing_cur = cc.missing + cc.text_cells;
  rc.text.clear();
  cc.text.clear();
  const Side r = side_of(rc), c = side_of(cc);
  res.n_ref = r.n;
  res.n_cur = c.n;
  const bool exact = r.rank_error == 0 && c.rank_error == 0;
  // Inexact means more than NumberSketch::k_exact_distinct values: more than every cap below.
  const std::size_t ref_nunique = r.rank_error == 0 ? distinct_capped(r, nullptr) : k_distinct_cap;
  const std::size_t n_values = exact ? distinct_capped(r, &c) : k_distinct_cap;
  const bool int_dtype =
      rc.integer_literals && cc.integer_literals && rc.missing == 0 && cc.missing == 0 && rc.text_cells == 0 && cc.text_cells == 0;
  res.type = int_dtype && ref_nunique <= k_integer_cardinality_limit ? ColumnType::categorical : ColumnType::numerical;
  if (w.type) res.type = ColumnType::numerical;
  if (r.n == 0 || c.n == 0) {
    res.skipped = std::string("no values in the ") + (r.n == 0 ? "reference" : "current") + " data";
    return;
  }
  if (options.preset == Preset::nannyml) {
    // Its threshold comes from chunks of the reference in file order, which a sketch has not kept.
    res.skipped =
        "NannyML's threshold needs the reference's values in file order; this column is summed up by a sketch "
        "(--max-memory): not tested";
    return;
  }
  const bool numerical = res.type == ColumnType::numerical;
  const bool preset = options.preset != Preset::evidently;  // alibi, mlops: K-S or chi-square contingency
  const Method m = !preset ? choose_method(w, res, true, n_values) : numerical ? Method::ks : Method::chi2_contingency;
  res.method = m;
  res.stattest = preset && m == Method::ks && options.preset == Preset::alibi ? "K-S p_value (asymptotic)" : stattest_name(m);
  res.threshold = options.threshold.value_or(preset ? 0.05 : default_threshold(m));
  res.rank_error = r.rank_error + c.rank_error;
  std::optional<Categories> cats;
  if (m == Method::chisquare || m == Method::z || m == Method::chi2_contingency || (!preset && ref_nunique <= 20) || !numerical) {
    if (!exact) {
      res.skipped = std::string(stattest_name(m)) + " needs the count of every value; this column has more than " +
                    std::to_string(NumberSketch::k_exact_distinct) + " and is summed up by a sketch";
      return;
    }
    Categories k;
    std::map<double, std::pair<double, double>> by_value;
    // The value first: in `x += take()` the right side is evaluated first (C++17).
    for (Cursor a{r}; !a.done();) {
      const double v = a.value();
      by_value[v].first += static_cast<double>(a.take());
    }
    for (Cursor b{c}; !b.done();) {
      const double v = b.value();
      by_value[v].second += static_cast<double>(b.take());
    }
    for (const auto& [v, counts] : by_value) {
      k.keys.push_back(number_key(v));
      k.ref.push_back(counts.first);
      k.cur.push_back(counts.second);
    }
    k.n_ref = static_cast<double>(r.n);
    k.n_cur = static_cast<double>(c.n);
    cats = std::move(k);
  }
  const double eps = res.rank_error;
  const double std_ref = std::max(r.std, 0.001);
  std::vector<double> none;
  switch (m) {
    case Method::ks: {
      double d = 0;
      walk(r, c, [&](double, double, double, double, double fr, double fc) { d = std::max(d, std::abs(fr - fc)); });
      const bool asymptotic = options.preset == Preset::alibi;
      const TestResult t = ks_pvalue(d, r.n, c.n, asymptotic);
      res.statistic = t.statistic;
      res.p_value = t.p_value;
      res.drift_score = t.p_value;
      res.comparator = preset ? "<" : "<=";
      if (eps > 0) {
        res.score_low = ks_pvalue(std::min(1.0, d + eps), r.n, c.n, asymptotic).p_value;
        res.score_high = ks_pvalue(std::max(0.0, d - eps), r.n, c.n, asymptotic).p_value;
      }
      if (options.preset == Preset::mlops) {
        // The effect size is the normed Wasserstein distance (its error bound is not reported).
        long double sum = 0;
        walk(r, c, [&](double x, double prev, double fr, double fc, double, double) { sum += std::abs(fr - fc) * (x - prev); });
        res.effect_size = static_cast<double>(sum) / std_ref;
        res.effect_size_name = "Wasserstein distance (normed)";
        res.effect_threshold = 0.1;
      }
      break;
    }
    case Method::chi2_contingency: {
      const TestResult t = chi2_contingency(cats->ref, cats->cur);
      res.statistic = t.statistic;
      res.p_value = t.p_value;
      res.drift_score = t.p_value;
      res.comparator = "<";
      if (options.preset == Preset::mlops) {
        res.effect_size = cramers_v(cats->ref, cats->cur);
        res.effect_size_name = "Cramer's V";
        res.effect_threshold = 0.1;
      }
      break;
    }
    case Method::wasserstein: {
      long double sum = 0;
      walk(r, c, [&](double x, double prev, double fr, double fc, double, double) { sum += std::abs(fr - fc) * (x - prev); });
      res.statistic = static_cast<double>(sum);
      res.drift_score = res.statistic / std_ref;
      res.comparator = ">=";
      if (eps > 0) {
        // |W1(F', G) - W1(F, G)| <= integral |F' - F| <= rank error * range.
        const double e = eps * (std::max(r.hi, c.hi) - std::min(r.lo, c.lo)) / std_ref;
        res.score_low = std::max(0.0, res.drift_score - e);
        res.score_high = res.drift_score + e;
      }
      break;
    }
    case Method::chisquare: {
      std::vector<double> expected(cats->ref.size());
      const double k_norm = cats->n_cur / cats->n_ref;
      for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = cats->ref[i] * k_norm;
      const TestResult t = chisquare(cats->cur, expected);
      res.statistic = t.statistic;
      res.p_value = t.p_value;
      res.drift_score = t.p_value;
      res.comparator = "<";
      break;
    }
    case Method::z: {
      // A Work over the counts alone: test_column's z-test reads only the categories.
      z_test(*cats, cats->keys.size() == 1, res);
      break;
    }
    case Method::jensenshannon:
    case Method::psi:
    case Method::kl: {
      std::vector<double> pr, pc;
      if (numerical && ref_nunique > 20) {
        // Sturges bins over both sides: each bin's share is within 2 x rank error.
        const auto edges = sturges_edges_of(std::min(r.lo, c.lo), std::max(r.hi, c.hi), r.n + c.n);
        pr = weighted_histogram(r, edges);
        pc = weighted_histogram(c, edges);
        for (double& v : pr) v /= static_cast<double>(r.n);
        for (double& v : pc) v /= static_cast<double>(c.n);
        if (m != Method::jensenshannon) {
          fill_zeroes(pr);
          fill_zeroes(pc);
        }
      } else {
        binned(res, none, none, false, ref_nunique, &*cats, m != Method::jensenshannon, pr, pc);
      }
      double v = 0;
      if (m == Method::jensenshannon) v = jensenshannon(pr, pc);
      else if (m == Method::kl) v = kl_divergence(pr, pc);
      else
        for (std::size_t i = 0; i < pr.size(); ++i) v += (pr[i] - pc[i]) * std::log(pr[i] / pc[i]);
      res.statistic = v;
      res.drift_score = v;
      res.comparator = ">=";
      res.log_base = "e";
      break;
    }
    case Method::auto_: break;
  }
  decide(res);
  if (numerical) {
    const auto edges = equal_edges(std::min(r.lo, c.lo), std::max(r.hi, c.hi), k_html_bins);
    res.hist_ref = weighted_histogram(r, edges);
    res.hist_cur = weighted_histogram(c, edges);
    for (const double e : edges) res.bins.push_back(number_key(e));
    for (double& v : res.hist_ref) v /= static_cast<double>(r.n);
    for (double& v : res.hist_cur) v /= static_cast<double>(c.n);
  } else {
    html_histogram(res, none, none, &*cats);
  }
}

// The report's correction over the p-values of every tested column; a p-value test then
// decides on the adjusted value.
void apply_correction(Report& report, const Options&) {
  std::vector<double> p;
  for (const ColumnResult& c : report.columns)
    p.push_back(c.skipped.empty() && c.p_value ? *c.p_value : std::numeric_limits<double>::quiet_NaN());
  const std::vector<double> adjusted = adjust_p_values(p, report.correction);
  for (std::size_t i = 0; i < p.size(); ++i) {
    ColumnResult& c = report.columns[i];
    if (std::isnan(p[i])) continue;
    c.p_value_adjusted = adjusted[i];
    if (report.correction == Correction::none || c.drift_score != *c.p_value) continue;
    c.drift_score = adjusted[i];
    if (c.score_low && c.score_high && p[i] > 0) {
      // A sketch's range of p-values, adjusted by the same factor (the other columns' ranks held).
      const double f = adjusted[i] / p[i];
      c.score_low = std::min(1.0, *c.score_low * f);
      c.score_high = std::min(1.0, *c.score_high * f);
    }
    decide(c);
  }
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < 10; ++i) s += (i ? ", " : "") + escape_controls(names[i]);
  if (names.size() > 10) s += " and " + std::to_string(names.size() - 10) + " more";
  return s;
}

}  // namespace

const char* to_string(Method m) noexcept {
  switch (m) {
    case Method::auto_: return "auto";
    case Method::ks: return "ks";
    case Method::chisquare: return "chisquare";
    case Method::z: return "z";
    case Method::psi: return "psi";
    case Method::jensenshannon: return "jensenshannon";
    case Method::wasserstein: return "wasserstein";
    case Method::kl: return "kl";
    case Method::chi2_contingency: return "chi2_contingency";
  }
  return "?";
}

std::optional<Method> parse_method(std::string_view name) noexcept {
  for (Method m :
       {Method::auto_, Method::ks, Method::chisquare, Method::z, Method::psi, Method::jensenshannon, Method::wasserstein, Method::kl}) {
    if (name == to_string(m)) return m;
  }
  return std::nullopt;
}

const char* to_string(ColumnType t) noexcept {
  switch (t) {
    case ColumnType::numerical: return "num";
    case ColumnType::categorical: return "cat";
    case ColumnType::text: return "text";
  }
  return "?";
}

Report compare(Table& reference, Table& current, const Options& options) {
  std::unordered_map<std::string, Column*> cur_by_name;
  for (Column& c : current.columns) cur_by_name[c.name] = &c;
  std::set<std::string> ref_names;
  std::vector<std::string> all_names;
  for (const Column& c : reference.columns) ref_names.insert(c.name), all_names.push_back(c.name);
  for (const Column& c : current.columns)
    if (!ref_names.count(c.name)) all_names.push_back(c.name);

  auto check_known = [&](const std::string& name, const char* what) {
    if (ref_names.count(name) || cur_by_name.count(name)) return;
    const std::string dym = did_you_mean(closest_names(name, all_names));
    throw Error(ErrorKind::usage, std::string(what) + " names no column: " + escape_controls(name),
                dym.empty() ? "the columns are: " + join(all_names) : dym);
  };
  for (const auto& n : options.columns) check_known(n, "--columns");
  for (const auto& n : options.exclude) check_known(n, "--exclude");
  for (const auto& [n, m] : options.per_column) check_known(n, "--per-column");
  for (const auto& t : options.types) check_known(t.column, (t.where + ": --types").c_str());
  if (options.preset != Preset::evidently && (options.method != Method::auto_ || !options.per_column.empty()))
    throw Error(ErrorKind::usage,
                std::string("--method and --per-column choose Evidently's tests; --preset ") + to_string(options.preset) + " has its own",
                "drop --preset, or drop --method/--per-column");

  std::set<std::string> ignored;
  for (const auto& t : options.types)
    if (!t.type) ignored.insert(t.column);

  const std::set<std::string> wanted(options.columns.begin(), options.columns.end());
  const std::set<std::string> excluded(options.exclude.begin(), options.exclude.end());
  auto selected = [&](const std::string& n) { return (wanted.empty() || wanted.count(n)) && !excluded.count(n) && !ignored.count(n); };

  std::vector<std::string> missing, extra;
  for (const Column& c : reference.columns)
    if (selected(c.name) && !cur_by_name.count(c.name)) missing.push_back(c.name);
  for (const Column& c : current.columns)
    if (selected(c.name) && !ref_names.count(c.name)) extra.push_back(c.name);
  if (!missing.empty() || !extra.empty()) {
    std::string msg = "the reference and current data have different columns:";
    if (!missing.empty()) msg += " missing from " + current.source + ": " + join(missing) + ";";
    if (!extra.empty()) msg += " only in " + current.source + ": " + join(extra) + ";";
    msg.pop_back();
    throw Error(ErrorKind::invalid_input, msg, "compare files with the same header, or choose columns with --columns/--exclude");
  }

  Report report;
  report.reference = reference.source;
  report.current = current.source;
  report.rows_ref = reference.rows;
  report.rows_cur = current.rows;
  report.drift_share = options.drift_share;
  report.preset = options.preset;
  report.correction = options.correction.value_or(options.preset == Preset::mlops   ? Correction::bh
                                                  : options.preset == Preset::alibi ? Correction::bonferroni
                                                                                    : Correction::none);
  report.dataset_drift_on_any = options.preset == Preset::alibi && !options.drift_share_given;
  std::vector<Work> work;
  for (Column& c : reference.columns)
    if (selected(c.name)) work.push_back({&c, cur_by_name.at(c.name), nullptr, std::nullopt, std::nullopt});
  if (work.empty()) throw Error(ErrorKind::usage, "no column left to compare", "check --columns and --exclude");
  report.columns.resize(work.size());
  for (std::size_t i = 0; i < work.size(); ++i) {
    Work& w = work[i];
    w.out = &report.columns[i];
    if (options.method != Method::auto_) w.method = options.method;
    for (const auto& t : options.types)
      if (t.column == w.ref->name) w.type = t.type;
    for (const auto& [n, m] : options.per_column) {
      if (n != w.ref->name) continue;
      w.method = m == Method::auto_ ? std::nullopt : std::optional<Method>(m);
      if ((m == Method::ks || m == Method::wasserstein) && !numeric_work(w))
        throw Error(ErrorKind::usage, "--per-column " + escape_controls(n) + "=" + to_string(m) + ": the column is not numeric",
                    "ks and wasserstein compare numbers; for categories use chisquare, z, jensenshannon, psi or kl");
    }
    if (options.strict && numeric_work(w)) {
      for (const Column* c : {w.ref, w.cur}) {
        if (c->text_cells == 0) continue;
        const Table& t = c == w.ref ? reference : current;
        throw Error(ErrorKind::invalid_input,
                    t.source + ":" + std::to_string(c->first_text_line) + ": column " + escape_controls(c->name) +
                        ": not a number: " + c->first_text + " (" + std::to_string(c->text_cells) + " such cells)",
                    "without --strict such cells count as missing");
      }
    }
  }

  const unsigned cores = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t n_threads = std::min<std::size_t>(cores, work.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < work.size();) {
      try {
        check_interrupted();
        test_column(work[i], options);
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = work.size();
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < n_threads; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);

  apply_correction(report, options);
  for (const ColumnResult& c : report.columns) {
    if (!c.skipped.empty()) continue;
    ++report.number_of_columns;
    if (c.drift_detected) ++report.number_of_drifted_columns;
  }
  report.share_of_drifted_columns =
      report.number_of_columns == 0 ? 0.0
                                    : static_cast<double>(report.number_of_drifted_columns) / static_cast<double>(report.number_of_columns);
  report.dataset_drift = report.number_of_columns > 0 && report.share_of_drifted_columns >= options.drift_share;
  if (report.dataset_drift_on_any) report.dataset_drift = report.number_of_drifted_columns > 0;
  return report;
}

namespace {

// --task when not given: regression when every target cell of the reference is a number and
// one of them is not an integer; classification otherwise.
std::string infer_task(const Kept& target) {
  bool fraction = false;
  for (std::size_t i = 0; i < target.numbers.size(); ++i) {
    const double v = target.numbers[i];
    if (std::isnan(v)) {
      if (target.label_ids[i] != Kept::k_no_label) return "classification";
      continue;
    }
    fraction = fraction || v != std::floor(v);
  }
  return fraction ? "regression" : "classification";
}

Kept concatenated(const std::vector<Table>& parts, std::size_t k) {
  Kept out;
  for (const Table& t : parts) {
    out.numbers.insert(out.numbers.end(), t.kept[k].numbers.begin(), t.kept[k].numbers.end());
    out.label_ids.insert(out.label_ids.end(), t.kept[k].label_ids.begin(), t.kept[k].label_ids.end());
  }
  return out;
}

}  // namespace

Report compare_files(const std::string& reference, const std::string& current, const Options& options_in, const CsvOptions& csv) {
  if (reference == "-" && current == "-") throw Error(ErrorKind::usage, "--reference and --current cannot both be standard input (-)");
  Options options = options_in;
  CsvOptions ref_csv = csv, cur_csv = csv;
  std::optional<WindowSpec> spec;
  if (!options.window.empty()) {
    spec = parse_window(options.window);
    if (!spec)
      throw Error(ErrorKind::usage,
                  "--window wants N (rows a window) or Nh, Nd, Nw (hours, days, weeks), got: " + escape_controls(options.window),
                  "for example  --window 1d  or  --window 1000");
    if (spec->seconds > 0 && options.timestamp.empty())
      throw Error(ErrorKind::usage, "--window " + escape_controls(options.window) + " needs --timestamp COLUMN",
                  "or give rows a window: --window 1000");
    cur_csv.split_column = spec->seconds > 0 ? options.timestamp : std::string();
    const WindowSpec w = *spec;
    cur_csv.split = [w](std::string_view cell, std::uint64_t row) { return window_key(w, cell, row); };
  } else if (!options.timestamp.empty()) {
    throw Error(ErrorKind::usage, "--timestamp needs --window", "for example  --timestamp time --window 1d");
  }
  if (!options.timestamp.empty() && std::find(options.exclude.begin(), options.exclude.end(), options.timestamp) == options.exclude.end())
    options.exclude.push_back(options.timestamp);
  if (!options.target.empty() && options.prediction.empty())
    throw Error(ErrorKind::usage, "--target needs --prediction COLUMN", "the model's performance compares the prediction with the target");
  if (!options.task.empty() && options.target.empty())
    throw Error(ErrorKind::usage, "--task needs --target COLUMN", "without labels only the prediction's drift is measured");
  if (!options.prediction.empty() && options.prediction == options.target)
    throw Error(ErrorKind::usage, "--prediction and --target name the same column");
  if (!options.target.empty()) ref_csv.keep_cells = cur_csv.keep_cells = {options.prediction, options.target};
  else if (!options.prediction.empty()) ref_csv.keep_cells = cur_csv.keep_cells = {options.prediction};

  // A profile keeps neither rows nor their order: what needs them cannot be computed from one.
  const bool ref_profile = is_profile(reference), cur_profile = is_profile(current);
  if (cur_profile && spec)
    throw Error(ErrorKind::usage, "--window splits the current data's rows; " + current + " is a drift profile, which keeps none",
                "give the current data as CSV");
  if (cur_profile && !options.prediction.empty())
    throw Error(ErrorKind::usage, "--prediction reads the current data row by row; " + current + " is a drift profile, which keeps no rows",
                "give the current data as CSV, or drop --prediction/--target");
  if (ref_profile && !options.target.empty())
    throw Error(ErrorKind::usage,
                "--target measures the model on the reference row by row; " + reference + " is a drift profile, which keeps no rows",
                "give the reference as CSV, or drop --target (the prediction's drift needs no rows)");
  if (ref_profile && options.preset == Preset::nannyml)
    throw Error(ErrorKind::usage,
                "--preset nannyml sets its thresholds from the reference's rows in file order; a drift profile keeps no order",
                "give the reference and current data as CSV, or use --preset evidently, alibi or mlops");

  // The two files are read at the same time, one per core; a reference profile is read
  // instead of data (by its magic bytes), and --max-memory is shared by the two.
  if (csv.max_number_bytes != 0) ref_csv.max_number_bytes = cur_csv.max_number_bytes = std::max<std::uint64_t>(1, csv.max_number_bytes / 2);
  // Plain decimals kept as integers (compare() reads them; the windows' parts and the sorted
  // reference they share are doubles).
  if (!spec) ref_csv.scaled = cur_csv.scaled = true;
  csv.progress.phase("reading", 0);
  auto load = [&](const std::string& path, bool profile, const CsvOptions& o) {
    return profile ? read_profile(path, o.max_number_bytes) : read_csv(path, o);
  };
  Table ref, cur;
  std::exception_ptr ref_failure;
  std::thread reader([&] {
    try {
      ref = load(reference, ref_profile, ref_csv);
    } catch (...) {
      ref_failure = std::current_exception();
    }
  });
  std::exception_ptr cur_failure;
  try {
    cur = load(current, cur_profile, cur_csv);
  } catch (...) {
    cur_failure = std::current_exception();
  }
  reader.join();
  if (ref_failure) std::rethrow_exception(ref_failure);
  if (cur_failure) std::rethrow_exception(cur_failure);

  if (spec && cur.unsplit > 0 && options.strict)
    throw Error(ErrorKind::invalid_input,
                cur.source + ":" + std::to_string(cur.first_unsplit_line) + ": column " + escape_controls(options.timestamp) +
                    ": not a timestamp: " + cur.first_unsplit + " (" + std::to_string(cur.unsplit) + " such rows)",
                "timestamps are ISO 8601 dates or date-times, or Unix seconds; without --strict such rows are counted and left out");
  std::string task = options.task;
  if (!options.target.empty() && task.empty()) task = infer_task(ref.kept[1]);
  std::optional<Performance> ref_perf;
  if (!options.target.empty()) ref_perf = performance(ref.kept[0], ref.kept[1], ref.kept[0].labels, ref.kept[1].labels, task);
  auto model_report = [&](const Kept* pred, const Kept* target) {
    ModelReport m;
    m.prediction = options.prediction;
    m.target = options.target;
    if (target != nullptr) {
      m.reference = ref_perf;
      m.current = performance(*pred, *target, cur.kept[0].labels, cur.kept[1].labels, task);
    }
    return m;
  };

  if (!spec) {
    Report report = compare(ref, cur, options);
    if (!options.prediction.empty()) report.model = model_report(&cur.kept[0], options.target.empty() ? nullptr : &cur.kept[1]);
    return report;
  }

  // Every window compares with the same reference: its numbers are sorted once here, so that
  // each window's copy is found sorted (one pass) instead of sorted again. NannyML's threshold
  // reads the reference in file order, so that preset keeps it as read.
  if (options.preset != Preset::nannyml) {
    PoolOptions pool;
    if (options.threads != 0) pool.threads = options.threads;
    parallel_for(
        ref.columns.size(), [&](std::size_t i, unsigned) { sort_values(ref.columns[i].numbers); }, pool);
  }

  Report top;
  top.reference = ref.source;
  top.current = cur.source;
  top.rows_ref = ref.rows;
  top.rows_cur = cur.rows;
  top.drift_share = options.drift_share;
  top.window = options.window;
  top.timestamp = options.timestamp;
  top.unparsable_timestamps = cur.unsplit;
  for (std::size_t i = 0; i < cur.parts.size(); ++i) {
    check_interrupted();
    Window w;
    w.key = cur.part_keys[i];
    if (spec->rows > 0) {
      w.start = std::to_string(static_cast<std::uint64_t>(w.key) * spec->rows + 1);
      w.end = std::to_string(static_cast<std::uint64_t>(w.key) * spec->rows + cur.parts[i].rows);
    } else {
      w.start = format_timestamp(spec->origin + w.key * spec->seconds);
      w.end = format_timestamp(spec->origin + (w.key + 1) * spec->seconds);
    }
    Table ref_copy = ref;  // compare() frees what it is given; the copy is sorted already
    w.report = compare(ref_copy, cur.parts[i], options);
    if (!options.prediction.empty())
      w.report.model = model_report(&cur.parts[i].kept[0], options.target.empty() ? nullptr : &cur.parts[i].kept[1]);
    top.windows.push_back(std::move(w));
  }
  if (!options.prediction.empty()) {
    const Kept pred = concatenated(cur.parts, 0);
    const Kept target = options.target.empty() ? Kept{} : concatenated(cur.parts, 1);
    top.model = model_report(&pred, options.target.empty() ? nullptr : &target);
  }
  // The summary: a column counts as drifted when it drifted in some window.
  if (!top.windows.empty()) {
    const Report& first = top.windows.front().report;
    top.preset = first.preset;
    top.correction = first.correction;
    top.dataset_drift_on_any = first.dataset_drift_on_any;
    for (const ColumnResult& c : first.columns) top.windows_drifted_by_column.emplace_back(c.name, 0);
  }
  for (const Window& w : top.windows) {
    top.number_of_columns = std::max(top.number_of_columns, w.report.number_of_columns);
    top.dataset_drift = top.dataset_drift || w.report.dataset_drift;
    for (std::size_t k = 0; k < w.report.columns.size() && k < top.windows_drifted_by_column.size(); ++k)
      top.windows_drifted_by_column[k].second += w.report.columns[k].drift_detected ? 1 : 0;
  }
  for (const auto& [name, n] : top.windows_drifted_by_column) top.number_of_drifted_columns += n > 0 ? 1 : 0;
  top.share_of_drifted_columns =
      top.number_of_columns == 0 ? 0.0 : static_cast<double>(top.number_of_drifted_columns) / static_cast<double>(top.number_of_columns);
  return top;
}

}  // namespace mlops::drift
