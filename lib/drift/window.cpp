// SPDX-License-Identifier: MIT
// Time windows (--timestamp/--window) and a model's performance (--prediction/--target).
// Timestamps by hand: GCC 12's <chrono> has no std::chrono::parse, and the forms accepted
// are few (ISO 8601 dates and date-times, Unix seconds).
#include "drift/window.hpp"

#include <mlops/drift.hpp>
#include <mlops/error.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace mlops::drift {
namespace {

constexpr std::int64_t k_day = 86400;
constexpr std::int64_t k_min_seconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr std::int64_t k_max_seconds = 253402300799;  // 9999-12-31T23:59:59Z

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : k_days[m - 1];
}

// Exactly n digits at s[pos...] as a number, advancing pos.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  pos += n;
  return true;
}

std::optional<std::int64_t> parse_iso(std::string_view s) {
  std::size_t pos = 0;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!digits(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' || !digits(s, pos, 2, mo) || pos >= s.size() || s[pos++] != '-' ||
      !digits(s, pos, 2, d))
    return std::nullopt;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return std::nullopt;
  std::int64_t offset = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!digits(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' || !digits(s, pos, 2, mi)) return std::nullopt;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!digits(s, pos, 2, sec)) return std::nullopt;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        const std::size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
      }
    }
    if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi != 0 || sec != 0))) return std::nullopt;
    if (pos < s.size()) {
      const char z = s[pos++];
      if ((z == 'Z' || z == 'z') && pos == s.size()) {
        offset = 0;
      } else if (z == '+' || z == '-') {
        unsigned oh = 0, om = 0;
        if (!digits(s, pos, 2, oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (pos < s.size() && !digits(s, pos, 2, om)) return std::nullopt;
        if (pos != s.size() || oh > 23 || om > 59) return std::nullopt;
        offset = (z == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
      } else {
        return std::nullopt;
      }
    }
  }
  const std::int64_t t = days_from_civil(y, mo, d) * k_day + h * 3600 + mi * 60 + sec - offset;
  if (t < k_min_seconds || t > k_max_seconds) return std::nullopt;
  return t;
}

}  // namespace

std::optional<WindowSpec> parse_window(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  std::uint64_t n = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || n == 0 || ptr == text.data()) return std::nullopt;
  WindowSpec w;
  if (ptr == end) {
    w.rows = n;
    return w;
  }
  if (ptr + 1 != end || n > 100000) return std::nullopt;
  const auto count = static_cast<std::int64_t>(n);
  switch (*ptr) {
    case 'h': w.seconds = count * 3600; break;
    case 'd': w.seconds = count * k_day; break;
    case 'w':
      w.seconds = count * 7 * k_day;
      w.origin = 4 * k_day;  // 1970-01-05, a Monday
      break;
    default: return std::nullopt;
  }
  return w;
}

std::optional<std::int64_t> parse_timestamp(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (s.size() >= 10 && s[4] == '-') return parse_iso(s);
  double x = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), x, std::chars_format::fixed);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(x)) return std::nullopt;
  if (x < static_cast<double>(k_min_seconds) || x > static_cast<double>(k_max_seconds)) return std::nullopt;
  return static_cast<std::int64_t>(std::floor(x));
}

std::optional<std::int64_t> window_key(const WindowSpec& w, std::string_view cell, std::uint64_t row) noexcept {
  if (w.rows > 0) return static_cast<std::int64_t>(row / w.rows);
  if (w.seconds <= 0) return std::nullopt;
  const auto t = parse_timestamp(cell);
  if (!t) return std::nullopt;
  const std::int64_t d = *t - w.origin;
  return (d >= 0 ? d : d - (w.seconds - 1)) / w.seconds;  // rounded down
}

std::string format_timestamp(std::int64_t t) {
  const std::int64_t days = (t >= 0 ? t : t - (k_day - 1)) / k_day;
  const std::int64_t secs = t - days * k_day;
  // civil_from_days (Howard Hinnant)
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  const auto s = static_cast<unsigned>(secs);  // 0 .. 86399
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(y), m, d, s / 3600 % 24, s / 60 % 60, s % 60);
  return buf;
}

Performance performance(const Kept& prediction, const Kept& target, const std::vector<std::string>& prediction_labels,
                        const std::vector<std::string>& target_labels, const std::string& task) {
  Performance out;
  out.task = task;
  const std::size_t n = std::min(prediction.numbers.size(), target.numbers.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (task == "regression") {
    out.metric_a = "mae";
    out.metric_b = "rmse";
    long double abs_sum = 0, sq_sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double p = prediction.numbers[i], t = target.numbers[i];
      if (std::isnan(p) || std::isnan(t)) {
        ++out.skipped;
        continue;
      }
      const long double e = static_cast<long double>(p) - t;
      abs_sum += e < 0 ? -e : e;
      sq_sum += e * e;
      ++out.rows;
    }
    out.a = out.rows ? static_cast<double>(abs_sum / static_cast<long double>(out.rows)) : nan;
    out.b = out.rows ? static_cast<double>(std::sqrt(sq_sum / static_cast<long double>(out.rows))) : nan;
    return out;
  }
  out.metric_a = "accuracy";
  out.metric_b = "f1_macro";
  // The two columns have their own label ids: compare by label text.
  std::map<std::string, std::array<std::uint64_t, 3>> per_label;  // true positives, predicted, actual
  std::uint64_t correct = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t p = prediction.label_ids[i], t = target.label_ids[i];
    if (p == Kept::k_no_label || t == Kept::k_no_label) {
      ++out.skipped;
      continue;
    }
    if (p == Kept::k_no_label - 1 || t == Kept::k_no_label - 1)
      throw Error(ErrorKind::invalid_input, "the prediction or target column has too many distinct values for a classification",
                  "use --task regression for numeric targets");
    if (p >= prediction_labels.size() || t >= target_labels.size()) throw Error(ErrorKind::internal, "drift: a label id out of range");
    const std::string& pl = prediction_labels[p];
    const std::string& tl = target_labels[t];
    ++out.rows;
    ++per_label[pl][1];
    ++per_label[tl][2];
    if (pl == tl) {
      ++correct;
      ++per_label[pl][0];
    }
  }
  if (out.rows == 0) {
    out.a = out.b = nan;
    return out;
  }
  out.a = static_cast<double>(correct) / static_cast<double>(out.rows);
  double f1 = 0;
  for (const auto& [label, c] : per_label) {
    const double denominator = static_cast<double>(c[1] + c[2]);
    f1 += denominator > 0 ? 2.0 * static_cast<double>(c[0]) / denominator : 0.0;
  }
  out.b = f1 / static_cast<double>(per_label.size());
  return out;
}

}  // namespace mlops::drift
