// SPDX-License-Identifier: MIT
// The CSV reader of `mlops drift`. By hand, not a library: Debian 12 packages no C++ CSV
// parser, and what drift needs is narrow and hot: every cell of a large file goes to a
// number or a count, nothing else is kept (pandas keeps a DataFrame of every cell).
#include "drift/byte_source.hpp"
#include "drift/number_sketch.hpp"

#include <mlops/drift.hpp>
#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include <sys/mman.h>

namespace mlops::drift {
namespace {

constexpr std::size_t k_read_chunk = std::size_t{4} << 20;

// pandas.read_csv's default NA spellings (pandas/_libs/parsers.pyx, STR_NA_VALUES).
bool is_na_token(std::string_view v) {
  static constexpr std::array<std::string_view, 18> k_na = {"#N/A", "#N/A N/A", "#NA",     "-1.#IND", "-1.#QNAN", "-NaN",
                                                            "-nan", "1.#IND",   "1.#QNAN", "<NA>",    "N/A",      "NA",
                                                            "NULL", "NaN",      "None",    "n/a",     "nan",      "null"};
  if (v.size() > 8 || (v.back() >= '0' && v.back() <= '9')) return false;  // every NA spelling ends in a letter or >
  return std::find(k_na.begin(), k_na.end(), v) != k_na.end();
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n = 0;
    unsigned cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff))) return false;
    p += n + 1;
  }
  return true;
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// The common decimal form (-?digits[.digits], at most 19 digits, at most 22 after the point,
// value below 2^53) exactly: the digits as an integer and one division by an exact power of
// ten, both exact operands, so the one IEEE rounding gives the correctly rounded result that
// strtod and std::from_chars give (Clinger's fast path). 3-4x faster than from_chars on the
// cells of a typical CSV; anything else returns false and goes to from_chars.
struct SimpleDecimal {
  const char* stop;        // the first byte that is no part of -?digits[.digits]
  bool ok;                 // the bytes before stop are such a number (mantissa < 2^53, see value())
  bool integer;            // no decimal point
  bool negative;           // a leading '-'
  int fraction;            // digits after the point (0 for an integer)
  std::uint64_t mantissa;  // the digits as an integer
};

constexpr double k_exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

SimpleDecimal scan_simple_decimal(const char* p, const char* end) {
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  std::uint64_t w = 0;  // wraps past 19 digits, but then ok is false
  int digits = 0, fraction = -1;
  for (; p < end; ++p) {
    const unsigned d = static_cast<unsigned char>(*p) - unsigned{'0'};
    if (d < 10) {
      w = w * 10 + d;
      ++digits;
      if (fraction >= 0) ++fraction;
    } else if (*p == '.' && fraction < 0) {
      fraction = 0;
    } else {
      break;
    }
  }
  SimpleDecimal r{p, false, fraction < 0, negative, std::max(fraction, 0), w};
  r.ok = !(digits == 0 || digits > 19 || fraction > 22 || w > (std::uint64_t{1} << 53));
  return r;
}

// The double of an ok scan: one division of exact operands.
double decimal_value(const SimpleDecimal& r) {
  double x = static_cast<double>(r.mantissa);
  if (r.fraction > 0) x /= k_exact_pow10[r.fraction];
  return r.negative ? -x : x;
}

constexpr int k_max_scale = 9;
constexpr std::uint64_t k_scaled_limit = 0x7fffffff;  // |k| <= 2^31 - 1: k and -k fit in 32 bits
constexpr std::uint64_t k_pow10_int[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

// add_scaled() past its common case: a new number of decimals (the column rescaled), a value
// that may not fit once scaled, or a zero (which may be "-0").
[[gnu::noinline]] bool add_scaled_slowly(Column& c, const SimpleDecimal& r) {
  if (r.fraction > c.scale && (r.fraction > k_max_scale || !rescale(c, r.fraction))) return false;
  if (r.mantissa > k_scaled_limit) return false;
  const std::uint64_t k = r.mantissa * k_pow10_int[c.scale - r.fraction];  // < 2^31 * 10^9: no wrap
  if (k > k_scaled_limit) return false;
  if (r.negative && k == 0) c.negative_zeros.push_back(c.scaled.size());
  c.scaled.push_back(r.negative ? -static_cast<std::int32_t>(k) : static_cast<std::int32_t>(k));
  return true;
}

// One plain decimal onto a scaled column: false when it does not fit (more than k_max_scale
// decimals, or an integer of 32 bits or more), and the caller turns the column into doubles.
inline bool add_scaled(Column& c, const SimpleDecimal& r) {
  // Most cells: as many decimals as the column has already, 0 < k < 2^31.
  if (r.fraction == c.scale && r.mantissa - 1 < k_scaled_limit) {
    c.scaled.push_back(r.negative ? -static_cast<std::int32_t>(r.mantissa) : static_cast<std::int32_t>(r.mantissa));
    return true;
  }
  return add_scaled_slowly(c, r);
}

std::string shown(std::string_view v) {
  std::string s(v.substr(0, 40));
  if (v.size() > 40) s += "...";
  return escape_controls(s);
}

class Parser {
 public:
  Parser(Table& table, const CsvOptions& options) : m_table(table), m_options(options) {}

  // Parses the complete records at the start of [data, data + size) and returns the bytes
  // they took; at the end of the input (eof), all of it.
  std::size_t feed(const char* data, std::size_t size, bool eof) {
    const char* p = data;
    const char* end = data + size;
    if (m_first && size >= 3 && std::memcmp(p, "\xef\xbb\xbf", 3) == 0) p += 3;  // UTF-8 byte order mark
    if (m_first && (size >= 3 || eof)) m_first = false;
    while (p < end) {
      const char* next = parse_record(p, end, eof);
      if (next == nullptr) break;
      p = next;
    }
    return static_cast<std::size_t>(p - data);
  }

  void finish() {
    if (!m_header_seen)
      throw Error(ErrorKind::invalid_input, m_table.source + ": empty file: no header row", "a CSV file starts with a row of column names");
    sort_parts();
  }
  std::uint64_t line() const { return m_line; }

  // Past CsvOptions::max_number_bytes, the columns holding the most numbers go over to a
  // sketch until the rest fit (called between reads: at most a read's worth over the limit).
  void enforce_budget() {
    const std::uint64_t budget = m_options.max_number_bytes;
    if (budget == 0) return;
    for (;;) {
      std::uint64_t total = 0;
      Column* largest = nullptr;
      for (Column& c : m_table.columns) {
        total += c.numbers.capacity() * sizeof(double);
        if (!c.sketch && (largest == nullptr || c.numbers.capacity() > largest->numbers.capacity())) largest = &c;
      }
      if (total <= budget || largest == nullptr || largest->numbers.capacity() == 0) return;
      auto sketch = std::make_shared<NumberSketch>();
      sort_values(largest->numbers);
      sketch->add_sorted(largest->numbers);
      std::vector<double>().swap(largest->numbers);
      largest->sketch = std::move(sketch);
    }
  }

 private:
  // One record from p; nullptr when it is not complete yet (more input needed).
  const char* parse_record(const char* p, const char* end, bool eof) {
    m_fields.clear();
    m_numbers.clear();
    m_kinds.clear();
    std::size_t quoted_used = 0;
    std::uint64_t newlines = 0;
    for (;;) {
      // One field.
      if (p < end && *p == '"') {
        if (quoted_used == m_quoted.size()) m_quoted.emplace_back();
        std::string& out = m_quoted[quoted_used++];
        out.clear();
        ++p;
        for (;;) {
          const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(end - p)));
          if (q == nullptr) {
            if (eof)
              throw Error(ErrorKind::invalid_input, m_table.source + ":" + std::to_string(m_line) + ": a quoted field is not closed",
                          "a quote inside a quoted field is written twice (\"\")");
            return nullptr;
          }
          newlines += static_cast<std::uint64_t>(std::count(p, q, '\n'));
          out.append(p, q);
          p = q + 1;
          if (p == end && !eof) return nullptr;  // "" split across reads: look again with more input
          if (p < end && *p == '"') {
            out += '"';
            ++p;
            continue;
          }
          break;
        }
        // Text after the closing quote (not RFC 4180) is kept, as pandas does.
        while (p < end && *p != ',' && *p != '\n') out += *p++;
        if (!out.empty() && out.back() == '\r' && (p == end || *p == '\n')) out.pop_back();
        m_fields.emplace_back(out);
        m_numbers.push_back(0);
        m_kinds.push_back(k_text);
      } else {
        const char* s = p;
        // Most cells of a numeric column are plain decimals: converted in the same scan that
        // finds the field's end.
        const SimpleDecimal number = scan_simple_decimal(p, end);
        p = number.stop;
        if (number.ok && (p == end || *p == ',' || *p == '\n')) {
          m_fields.emplace_back(s, static_cast<std::size_t>(p - s));
          m_numbers.push_back(number.mantissa);
          m_kinds.push_back(kind_of(number));
        } else {
          while (p < end && *p != ',' && *p != '\n') ++p;
          std::string_view v(s, static_cast<std::size_t>(p - s));
          if (!v.empty() && v.back() == '\r' && (p == end || *p == '\n')) v.remove_suffix(1);
          m_fields.push_back(v);
          m_numbers.push_back(0);
          m_kinds.push_back(k_text);
        }
      }
      if (p == end) {
        if (!eof) return nullptr;
        break;
      }
      if (*p == '\n') {
        ++p;
        ++newlines;
        break;
      }
      ++p;  // ','
    }
    const std::uint64_t line = m_line;
    m_line += newlines;
    record(line);
    return p;
  }

  void record(std::uint64_t line) {
    if (m_fields.size() == 1 && m_fields[0].empty()) return;  // a blank line, skipped as pandas does
    if (!m_header_seen) {
      header(line);
      return;
    }
    if (m_fields.size() != m_table.columns.size())
      throw Error(ErrorKind::invalid_input,
                  m_table.source + ":" + std::to_string(line) + ": " + std::to_string(m_fields.size()) + " fields, the header has " +
                      std::to_string(m_table.columns.size()),
                  "every row needs one field per column; quote fields that contain commas");
    Table* target = &m_table;
    const std::uint64_t row = m_row_index++;
    if (m_options.split) {
      const std::string_view by = m_split != k_none ? m_fields[m_split] : std::string_view();
      const auto key = m_options.split(by, row);
      if (!key) {
        if (m_table.unsplit++ == 0) {
          m_table.first_unsplit_line = line;
          m_table.first_unsplit = shown(by);
        }
        return;
      }
      target = &part(*key);
    }
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
      if (i == m_split) continue;  // the window's key: not tested, and one string a row if kept
      Column& c = target->columns[i];
      if (m_kinds[i] == k_text) {
        cell(c, m_fields[i], line);
        continue;
      }
      // A scaled column takes the digits as they are (no division); the first number that does
      // not fit turns it into doubles for good.
      const SimpleDecimal number = decimal_of(m_numbers[i], m_kinds[i]);
      if (c.scale < 0 || !add_scaled(c, number)) {
        to_doubles(c);
        if (c.sketch) c.sketch->add(decimal_value(number));
        else c.numbers.push_back(decimal_value(number));
      }
      if (!number.integer) c.integer_literals = false;
    }
    for (std::size_t k = 0; k < m_keep.size(); ++k) keep(target->kept[k], k, m_keep[k]);
    if (target != &m_table) ++target->rows;
    if ((++m_table.rows & 0xffff) == 0) check_interrupted();
  }

  // The part for a split key, created on first use.
  Table& part(std::int64_t key) {
    const auto it = m_part_index.find(key);
    if (it != m_part_index.end()) return m_table.parts[it->second];
    if (m_table.parts.size() >= m_options.max_parts)
      throw Error(ErrorKind::invalid_input, m_table.source + ": more than " + std::to_string(m_options.max_parts) + " windows",
                  "choose a wider --window");
    Table t;
    t.source = m_table.source;
    t.columns.resize(m_table.columns.size());
    for (std::size_t i = 0; i < t.columns.size(); ++i) t.columns[i].name = m_table.columns[i].name;
    t.kept.resize(m_keep.size());
    m_part_index.emplace(key, m_table.parts.size());
    m_table.parts.push_back(std::move(t));
    m_table.part_keys.push_back(key);
    return m_table.parts.back();
  }

  // A kept cell: its number, and its label (numbers by their shortest spelling, so 1 and 1.0
  // are the same class). Labels beyond max_distinct_text share one id, k_no_label - 1.
  void keep(Kept& out, std::size_t k, std::size_t field) {
    const std::string_view raw = m_fields[field];
    if (m_kinds[field] == k_text && (raw.empty() || is_na_token(raw) || trim(raw).empty())) {
      out.numbers.push_back(std::numeric_limits<double>::quiet_NaN());
      out.label_ids.push_back(Kept::k_no_label);
      return;
    }
    double x = m_kinds[field] != k_text ? decimal_value(decimal_of(m_numbers[field], m_kinds[field])) : 0.0;
    bool number = m_kinds[field] != k_text;
    if (!number) {
      const std::string_view v = trim(raw);
      const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
      number = ec == std::errc() && ptr == v.data() + v.size() && std::isfinite(x);
    }
    out.numbers.push_back(number ? x : std::numeric_limits<double>::quiet_NaN());
    std::string label;
    if (number) {
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, x);
      label.assign(buf, r.ptr);
    } else {
      label.assign(raw);
      if (!valid_utf8(label)) label = shown(label);
    }
    auto& dict = m_label_index[k];
    auto& labels = m_table.kept[k].labels;
    const auto it = dict.find(label);
    if (it != dict.end()) {
      out.label_ids.push_back(it->second);
    } else if (labels.size() >= m_options.max_distinct_text) {
      out.label_ids.push_back(Kept::k_no_label - 1);
    } else {
      const auto id = static_cast<std::uint32_t>(labels.size());
      labels.push_back(label);
      dict.emplace(std::move(label), id);
      out.label_ids.push_back(id);
    }
  }

 public:
  // The parts in key order (they were made in the order their first rows came).
  void sort_parts() {
    std::vector<std::size_t> order(m_table.parts.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return m_table.part_keys[a] < m_table.part_keys[b]; });
    std::vector<Table> parts;
    std::vector<std::int64_t> keys;
    for (std::size_t i : order) {
      parts.push_back(std::move(m_table.parts[i]));
      keys.push_back(m_table.part_keys[i]);
    }
    m_table.parts = std::move(parts);
    m_table.part_keys = std::move(keys);
  }

 private:
  void header(std::uint64_t line) {
    m_header_seen = true;
    std::unordered_set<std::string_view> seen;
    m_table.columns.resize(m_fields.size());
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
      std::string name(m_fields[i]);
      if (name.empty()) name = "Unnamed: " + std::to_string(i);  // pandas' name for it
      if (!valid_utf8(name))
        throw Error(
            ErrorKind::invalid_input,
            m_table.source + ":" + std::to_string(line) + ": column " + std::to_string(i + 1) + "'s name is not UTF-8: " + shown(name),
            "convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8");
      m_table.columns[i].name = std::move(name);
      if (m_options.scaled && m_options.max_number_bytes == 0) m_table.columns[i].scale = 0;
    }
    for (const Column& c : m_table.columns) {
      if (!seen.insert(c.name).second)
        throw Error(ErrorKind::invalid_input, m_table.source + ": the header names column " + shown(c.name) + " twice",
                    "give every column a distinct name");
    }
    auto index_of = [&](const std::string& name) {
      for (std::size_t i = 0; i < m_table.columns.size(); ++i)
        if (m_table.columns[i].name == name) return i;
      std::string names;
      for (std::size_t i = 0; i < m_table.columns.size() && i < 10; ++i) names += (i ? ", " : "") + shown(m_table.columns[i].name);
      throw Error(ErrorKind::usage, m_table.source + " has no column " + shown(name), "its columns are: " + names);
    };
    if (m_options.split && !m_options.split_column.empty()) m_split = index_of(m_options.split_column);
    for (const std::string& name : m_options.keep_cells) m_keep.push_back(index_of(name));
    m_table.kept.resize(m_keep.size());
    m_label_index.resize(m_keep.size());
  }

  void cell(Column& c, std::string_view raw, std::uint64_t line) {
    if (raw.empty() || is_na_token(raw)) {
      ++c.missing;
      return;
    }
    std::string_view v = trim(raw);
    if (!v.empty()) {
      const char first = v.front();
      if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.' || first == 'i' || first == 'I' || first == 'n' ||
          first == 'N') {
        std::string_view num = v;
        if (num.front() == '+' && num.size() > 1 && num[1] != '-' && num[1] != '+') num.remove_prefix(1);
        double x = 0;
        const SimpleDecimal scan = scan_simple_decimal(num.data(), num.data() + num.size());
        const bool simple = scan.ok && scan.stop == num.data() + num.size();
        if (simple) x = decimal_value(scan);
        const auto [ptr, ec] =
            simple ? std::from_chars_result{num.data() + num.size(), std::errc()} : std::from_chars(num.data(), num.data() + num.size(), x);
        if (ptr == num.data() + num.size() && (ec == std::errc() || ec == std::errc::result_out_of_range)) {
          if (ec == std::errc::result_out_of_range) x = std::strtod(std::string(num).c_str(), nullptr);
          if (!std::isfinite(x)) {
            ++c.missing;  // Evidently drops ±inf and NaN before testing
            return;
          }
          // A plain decimal within blanks or after a '+' (or before a CR) is the same number as
          // without them; any other spelling (1e-3, 0x1p3, ...) turns the column into doubles.
          if (!simple || c.scale < 0 || !add_scaled(c, scan)) {
            to_doubles(c);
            if (c.sketch) c.sketch->add(x);
            else c.numbers.push_back(x);
          }
          if (c.integer_literals) {
            std::size_t k = (num.front() == '-') ? 1 : 0;
            for (; k < num.size(); ++k) {
              if (num[k] < '0' || num[k] > '9') {
                c.integer_literals = false;
                break;
              }
            }
          }
          return;
        }
      }
    }
    ++c.text_cells;
    if (c.first_text_line == 0) {
      c.first_text_line = line;
      c.first_text = shown(raw);
    }
    if (c.text_overflow) return;
    const auto it = c.text.find(std::string(raw));
    if (it != c.text.end()) {
      ++it->second;
      return;
    }
    if (c.text.size() >= m_options.max_distinct_text) {
      c.text_overflow = true;
      return;
    }
    if (!valid_utf8(raw))
      throw Error(
          ErrorKind::invalid_input,
          m_table.source + ":" + std::to_string(line) + ": column " + shown(c.name) + " holds bytes that are not UTF-8: " + shown(raw),
          "convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8");
    c.text.emplace(std::string(raw), 1);
  }

  Table& m_table;
  const CsvOptions& m_options;
  // Per field of the record: its bytes, and for a plain decimal its digits (not converted yet).
  // A field's kind: k_text, or a plain decimal's flags and decimals (kind_of), its digits in
  // m_numbers: 9 bytes a field, not a SimpleDecimal's 32.
  static constexpr unsigned char k_text = 0;
  static unsigned char kind_of(const SimpleDecimal& r) {
    return static_cast<unsigned char>(1 | (r.integer ? 2 : 0) | (r.negative ? 4 : 0) | (r.fraction << 3));  // fraction <= 22
  }
  static SimpleDecimal decimal_of(std::uint64_t mantissa, unsigned char kind) {
    return {nullptr, true, (kind & 2) != 0, (kind & 4) != 0, kind >> 3, mantissa};
  }
  std::vector<std::string_view> m_fields;
  std::vector<std::uint64_t> m_numbers;
  std::vector<unsigned char> m_kinds;
  std::deque<std::string> m_quoted;  // a deque: growing it moves no string m_fields points into
  std::uint64_t m_line = 1;
  std::uint64_t m_row_index = 0;
  static constexpr std::size_t k_none = static_cast<std::size_t>(-1);
  std::size_t m_split = k_none;
  std::vector<std::size_t> m_keep;
  std::vector<std::unordered_map<std::string, std::uint32_t>> m_label_index;
  std::unordered_map<std::int64_t, std::size_t> m_part_index;
  bool m_header_seen = false;
  bool m_first = true;
};

[[noreturn]] void too_long(const Table& t, std::uint64_t line, std::size_t limit) {
  throw Error(ErrorKind::invalid_input,
              t.source + ":" + std::to_string(line) + ": a record longer than " + std::to_string(limit >> 20) +
                  " MiB (a line that does not end, or a quote that is not closed)",
              "is this a CSV file? records are limited so that one line cannot take all memory");
}

// Huge pages for a reserved column: a million rows of 20 columns in 4 KiB pages is 40,000 page
// faults (a sixth of a `drift` run's time in perf), in 2 MiB pages under a hundred. Advice only:
// where transparent huge pages are off it does nothing.
template <typename T>
void advise_huge_pages(const std::vector<T>& v) {
  constexpr std::uintptr_t k_page = 4096;
  const auto begin = (reinterpret_cast<std::uintptr_t>(v.data()) + k_page - 1) & ~(k_page - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(v.data() + v.capacity()) & ~(k_page - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

void to_doubles(Column& c) {
  if (c.scale < 0) return;
  // The capacity carries over: a reserved column stays reserved.
  std::vector<double> numbers;
  numbers.reserve(std::max(c.scaled.capacity(), c.numbers.capacity()));
  if (numbers.capacity() >= (std::size_t{1} << 18)) advise_huge_pages(numbers);
  const double scale = k_exact_pow10[c.scale];
  for (const std::int32_t k : c.scaled) numbers.push_back(static_cast<double>(k) / scale);
  for (const std::uint64_t i : c.negative_zeros) numbers[i] = -0.0;
  c.numbers = std::move(numbers);
  std::vector<std::int32_t>().swap(c.scaled);
  std::vector<std::uint64_t>().swap(c.negative_zeros);
  c.scale = -1;
}

double scaled_value(const Column& c, std::size_t i) {
  const std::int32_t k = c.scaled[i];
  if (k == 0 && std::find(c.negative_zeros.begin(), c.negative_zeros.end(), i) != c.negative_zeros.end()) return -0.0;
  return static_cast<double>(k) / k_exact_pow10[c.scale];
}

bool rescale(Column& c, int scale) {
  if (c.scale < 0 || scale < c.scale || scale > k_max_scale) return false;
  if (scale == c.scale) return true;
  const std::uint64_t factor = k_pow10_int[scale - c.scale];
  std::uint64_t largest = 0;
  for (const std::int32_t k : c.scaled)
    largest = std::max<std::uint64_t>(largest, static_cast<std::uint64_t>(std::abs(static_cast<std::int64_t>(k))));
  if (largest * factor > k_scaled_limit) return false;  // largest < 2^31, factor <= 10^9: no wrap
  const auto f = static_cast<std::int32_t>(factor);
  for (std::int32_t& k : c.scaled) k *= f;
  c.scale = scale;
  return true;
}

Table parse_csv(std::string_view text, const std::string& source, const CsvOptions& options) {
  Table table;
  table.source = source;
  Parser parser(table, options);
  // The same limit as a streamed read: feed record-sized windows.
  std::size_t pos = 0;
  const std::size_t window = std::max<std::size_t>(options.max_record_bytes, 1);
  while (pos < text.size()) {
    const std::size_t n = std::min(window, text.size() - pos);
    const bool eof = pos + n == text.size();
    const std::size_t used = parser.feed(text.data() + pos, n, eof);
    parser.enforce_budget();
    if (used == 0 && !eof) too_long(table, parser.line(), options.max_record_bytes);
    pos += used;
    if (eof) break;
  }
  parser.finish();
  return table;
}

Table read_csv(const std::string& path, const CsvOptions& options) {
  Table table;
  table.source = path;
  const auto source = open_source(path);
  Parser parser(table, options);
  // Progress counts the bytes of plain files (a compressed file's size says nothing of what
  // it holds).
  const bool counted = source->size_hint() > 0;
  if (counted) options.progress.add_total(source->size_hint());
  // A small file gets a buffer of its size (it grows if the file does): 4 MiB zeroed for each of
  // the two files was most of the time of a small comparison (fuzz_drift_csv's windows).
  std::vector<char> buf(counted ? static_cast<std::size_t>(std::min<std::uint64_t>(k_read_chunk, source->size_hint() + 1)) : k_read_chunk);
  std::size_t have = 0;
  std::uint64_t consumed = 0;
  bool reserved = false;
  for (;;) {
    if (have == buf.size()) {
      if (have > options.max_record_bytes) too_long(table, parser.line(), options.max_record_bytes);
      buf.resize(std::min(buf.size() * 2, options.max_record_bytes + k_read_chunk));
    }
    const std::size_t n = source->read(buf.data() + have, buf.size() - have);
    const bool eof = n == 0;
    if (consumed == 0 && have < 8 && have + n >= 8 && std::memcmp(buf.data(), "\x89MLPROF\n", 8) == 0)
      throw Error(ErrorKind::invalid_input, path + ": a drift profile, not CSV data",
                  "give a profile as a file (--reference ref.profile), not on standard input or compressed");
    have += n;
    const std::size_t used = parser.feed(buf.data(), have, eof);
    parser.enforce_budget();
    if (counted) options.progress.advance(n);
    consumed += used;
    if (!reserved && table.rows >= 1000 && source->size_hint() > 0) {
      // The rows to come, from the bytes per row so far: vectors grown by doubling would
      // take up to twice the memory the numbers need.
      reserved = true;
      const double rows = static_cast<double>(source->size_hint()) / static_cast<double>(consumed) * static_cast<double>(table.rows) * 1.02;
      // Within --max-memory: the columns that fit, the others grow (and go to a sketch).
      std::uint64_t reserved_bytes = 0;
      for (Column& c : table.columns) {
        if (c.sketch || (c.numbers.size() + c.scaled.size()) * 2 <= table.rows) continue;
        const std::uint64_t bytes = (static_cast<std::uint64_t>(rows) + 16) * (c.scale >= 0 ? sizeof(std::int32_t) : sizeof(double));
        if (options.max_number_bytes != 0 && reserved_bytes + bytes > options.max_number_bytes) continue;
        reserved_bytes += bytes;
        if (c.scale >= 0) {
          c.scaled.reserve(static_cast<std::size_t>(rows) + 16);
          advise_huge_pages(c.scaled);
        } else {
          c.numbers.reserve(static_cast<std::size_t>(rows) + 16);
          advise_huge_pages(c.numbers);
        }
      }
    }
    if (eof) break;
    std::memmove(buf.data(), buf.data() + used, have - used);
    have -= used;
    if (have > options.max_record_bytes) too_long(table, parser.line(), options.max_record_bytes);
  }
  parser.finish();
  return table;
}

}  // namespace mlops::drift
