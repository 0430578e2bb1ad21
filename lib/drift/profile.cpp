// SPDX-License-Identifier: MIT
// Reference profiles on disk: 8 magic bytes, then one CBOR document (RFC 8949) written and
// read by nlohmann::json, with arrays of numbers as byte strings of little-endian float64 /
// uint64 (compact, read without a JSON node per value). Everything read is checked: a
// profile from disk is hostile. docs/formats.md ("Drift reference profile") is the spec.
#include "core/json.hpp"
#include "drift/number_sketch.hpp"

#include <mlops/drift_profile.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <unordered_set>

namespace mlops::drift {
namespace {

using json = nlohmann::json;

constexpr std::string_view k_magic{"\x89MLPROF\n", 8};
constexpr int k_version = 1;
constexpr std::uint64_t k_max_file_bytes = std::uint64_t{1} << 30;
constexpr std::size_t k_max_columns = 100000;
constexpr std::size_t k_max_depth = 8;  // the format nests 4 deep
constexpr std::size_t k_max_sketch_values = 1000000;
constexpr std::uint64_t k_max_rows = std::uint64_t{1} << 62;
constexpr std::uint64_t k_default_expand_bytes = std::uint64_t{2} << 30;
constexpr std::size_t k_hist_bins = 10;

[[noreturn]] void bad(const std::string& source, const std::string& what) {
  throw Error(ErrorKind::invalid_input, source + ": not a valid drift profile: " + what,
              "write it again with mlops drift profile DATA -o FILE");
}

json f64_bytes(const std::vector<double>& v) {
  std::vector<std::uint8_t> b(v.size() * 8);
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint64_t u;
    std::memcpy(&u, &v[i], 8);
    for (int k = 0; k < 8; ++k) b[i * 8 + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(u >> (8 * k));
  }
  return json::binary(std::move(b));
}

json u64_bytes(const std::vector<std::uint64_t>& v) {
  std::vector<std::uint8_t> b(v.size() * 8);
  for (std::size_t i = 0; i < v.size(); ++i)
    for (int k = 0; k < 8; ++k) b[i * 8 + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(v[i] >> (8 * k));
  return json::binary(std::move(b));
}

// Counts per value of a sorted vector.
void runs(const std::vector<double>& sorted, std::vector<double>& values, std::vector<std::uint64_t>& counts) {
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    values.push_back(sorted[i]);
    counts.push_back(j - i);
    i = j;
  }
}

json numbers_json(Column& c, const ProfileOptions& o) {
  std::vector<double> values;
  std::vector<std::uint64_t> counts;
  NumberSketch moments;  // count, min, max, mean, m2 (and the sketch when one is needed)
  if (c.sketch) {
    moments = *c.sketch;
    for (const auto& [v, n] : c.sketch->counts()) values.push_back(v), counts.push_back(n);
  } else {
    sort_values(c.numbers);
    runs(c.numbers, values, counts);
    for (std::size_t i = 0; i < values.size(); ++i) moments.add(values[i], counts[i]);
  }
  json j;
  j["count"] = moments.count();
  if (moments.count() == 0) return j;
  j["min"] = moments.min();
  j["max"] = moments.max();
  j["mean"] = moments.mean();
  j["m2"] = moments.m2();
  // Few distinct values are kept exact whatever the size asked: they take less room than a sketch.
  const bool exact = (c.sketch == nullptr || c.sketch->exact()) &&
                     values.size() <= std::max<std::uint64_t>(o.exact_values, NumberSketch::k_exact_distinct);
  if (exact) {
    j["values"] = f64_bytes(values);
    j["counts"] = u64_bytes(counts);
  } else {
    j["k"] = moments.kll().k();
    json levels = json::array();
    for (const auto& level : moments.kll().levels()) levels.push_back(f64_bytes(level));
    j["levels"] = std::move(levels);
  }
  // The pre-binned histogram: 10 equal bins over [min, max], for tools reading the profile.
  std::vector<double> edges(k_hist_bins + 1);
  double lo = moments.min(), hi = moments.max();
  if (lo == hi) lo -= 0.5, hi += 0.5;
  for (std::size_t i = 0; i <= k_hist_bins; ++i) edges[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(k_hist_bins);
  edges.back() = hi;
  std::vector<std::uint64_t> hist(k_hist_bins, 0);
  const auto weighted = exact ? std::vector<std::pair<double, std::uint64_t>>{} : moments.weighted();
  auto bin = [&](double v, std::uint64_t n) {
    auto k = static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
    hist[std::min(k, k_hist_bins) - 1] += n;
  };
  if (exact)
    for (std::size_t i = 0; i < values.size(); ++i) bin(values[i], counts[i]);
  else
    for (const auto& [v, n] : weighted) bin(v, n);
  j["histogram"] = {{"edges", f64_bytes(edges)}, {"counts", u64_bytes(hist)}};
  return j;
}

// ---- reading ----

// nlohmann's DOM builder with a depth limit: its CBOR reader recurses per nesting level.
class BoundedSax : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  using Base = nlohmann::detail::json_sax_dom_parser<json>;
  explicit BoundedSax(json& out) : Base(out, true) {}
  bool start_object(std::size_t n) { return ++m_depth <= k_max_depth && Base::start_object(n); }
  bool start_array(std::size_t n) { return ++m_depth <= k_max_depth && Base::start_array(n); }
  bool end_object() {
    --m_depth;
    return Base::end_object();
  }
  bool end_array() {
    --m_depth;
    return Base::end_array();
  }
  bool too_deep() const { return m_depth > k_max_depth; }

 private:
  std::size_t m_depth = 0;
};

struct Reader {
  const std::string& source;

  const json& at(const json& o, const char* key) const {
    const auto it = o.find(key);
    if (it == o.end()) bad(source, std::string("no \"") + key + "\"");
    return *it;
  }
  std::uint64_t u64(const json& o, const char* key, std::uint64_t max = k_max_rows) const {
    const json& v = at(o, key);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max)
      bad(source, std::string("\"") + key + "\" is not a count up to " + std::to_string(max));
    return v.get<std::uint64_t>();
  }
  double f64(const json& o, const char* key) const {
    const json& v = at(o, key);
    if (!v.is_number() || !std::isfinite(v.get<double>())) bad(source, std::string("\"") + key + "\" is not a finite number");
    return v.get<double>();
  }
  bool boolean(const json& o, const char* key) const {
    const json& v = at(o, key);
    if (!v.is_boolean()) bad(source, std::string("\"") + key + "\" is not true or false");
    return v.get<bool>();
  }
  std::string text(const json& o, const char* key) const {
    const json& v = at(o, key);
    if (!v.is_string() || !is_valid_utf8(v.get_ref<const std::string&>())) bad(source, std::string("\"") + key + "\" is not UTF-8 text");
    return v.get<std::string>();
  }
  const std::vector<std::uint8_t>& bytes(const json& v, const char* what, std::size_t max_items) const {
    if (!v.is_binary() || v.get_binary().size() % 8 != 0 || v.get_binary().size() / 8 > max_items)
      bad(source, std::string(what) + " is not a byte string of up to " + std::to_string(max_items) + " 8-byte items");
    return v.get_binary();
  }
  std::vector<double> doubles(const json& v, const char* what, std::size_t max_items) const {
    const auto& b = bytes(v, what, max_items);
    std::vector<double> out(b.size() / 8);
    for (std::size_t i = 0; i < out.size(); ++i) {
      std::uint64_t u = 0;
      for (int k = 7; k >= 0; --k) u = (u << 8) | b[i * 8 + static_cast<std::size_t>(k)];
      std::memcpy(&out[i], &u, 8);
      if (!std::isfinite(out[i])) bad(source, std::string(what) + " holds a value that is not finite");
    }
    return out;
  }
  std::vector<std::uint64_t> counts(const json& v, const char* what, std::size_t max_items) const {
    const auto& b = bytes(v, what, max_items);
    std::vector<std::uint64_t> out(b.size() / 8);
    for (std::size_t i = 0; i < out.size(); ++i) {
      std::uint64_t u = 0;
      for (int k = 7; k >= 0; --k) u = (u << 8) | b[i * 8 + static_cast<std::size_t>(k)];
      if (u == 0 || u > k_max_rows) bad(source, std::string(what) + " holds a count of 0 or beyond 2^62");
      out[i] = u;
    }
    return out;
  }
  std::uint64_t add(std::uint64_t a, std::uint64_t b) const {
    std::uint64_t s;
    if (__builtin_add_overflow(a, b, &s) || s > k_max_rows) bad(source, "counts add up beyond 2^62");
    return s;
  }
};

void read_numbers(const Reader& r, const json& j, Column& c, std::uint64_t exact_limit, std::uint64_t& expand_budget) {
  const std::uint64_t count = r.u64(j, "count");
  if (count == 0) return;
  const double lo = r.f64(j, "min"), hi = r.f64(j, "max");
  const double mean = r.f64(j, "mean"), m2 = r.f64(j, "m2");
  if (lo > hi || m2 < 0) bad(r.source, "column " + c.name + ": min above max or a negative m2");
  auto sketch = std::make_shared<NumberSketch>();
  if (j.contains("values")) {
    const auto values = r.doubles(r.at(j, "values"), "values", exact_limit);
    const auto counts = r.counts(r.at(j, "counts"), "counts", exact_limit);
    if (values.size() != counts.size() || values.empty()) bad(r.source, "column " + c.name + ": values and counts differ in length");
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0 && !(values[i - 1] < values[i])) bad(r.source, "column " + c.name + ": values are not sorted and distinct");
      total = r.add(total, counts[i]);
    }
    if (total != count || values.front() != lo || values.back() != hi)
      bad(r.source, "column " + c.name + ": values do not add up to count, min and max");
    if (count <= expand_budget / sizeof(double)) {
      expand_budget -= count * sizeof(double);
      c.numbers.reserve(count);
      for (std::size_t i = 0; i < values.size(); ++i) c.numbers.insert(c.numbers.end(), counts[i], values[i]);
      return;
    }
    for (std::size_t i = 0; i < values.size(); ++i) sketch->add(values[i], counts[i]);
  } else {
    const json& levels = r.at(j, "levels");
    if (!levels.is_array() || levels.empty() || levels.size() > KllSketch::k_max_levels)
      bad(r.source, "column " + c.name + ": \"levels\" is not a list of 1 to 63 levels");
    std::vector<std::vector<double>> lv;
    std::size_t retained = 0;
    for (const json& l : levels) {
      lv.push_back(r.doubles(l, "a sketch level", k_max_sketch_values));
      retained += lv.back().size();
      if (retained > k_max_sketch_values) bad(r.source, "column " + c.name + ": a sketch of more than 1,000,000 values");
    }
    const std::uint64_t k = r.u64(j, "k", 65535);
    auto kll = KllSketch::restore(static_cast<std::uint16_t>(k), count, lo, hi, std::move(lv));
    if (!kll) bad(r.source, "column " + c.name + ": the sketch's weights, k, min or max do not fit together");
    sketch->set_sketch(std::move(*kll));
  }
  sketch->set_moments(mean, m2);
  c.sketch = std::move(sketch);
}

Column read_column(const Reader& r, const json& j, std::uint64_t rows, std::uint64_t exact_limit, std::uint64_t& expand_budget) {
  if (!j.is_object()) bad(r.source, "a column is not a map");
  Column c;
  c.name = r.text(j, "name");
  c.missing = r.u64(j, "missing");
  c.text_cells = r.u64(j, "text_cells");
  c.integer_literals = r.boolean(j, "integer_literals");
  c.text_overflow = r.boolean(j, "text_overflow");
  c.first_text_line = r.u64(j, "first_text_line");
  c.first_text = r.text(j, "first_text");
  const json& text = r.at(j, "text");
  const json& keys = r.at(text, "keys");
  if (!keys.is_array() || keys.size() > CsvOptions{}.max_distinct_text)
    bad(r.source, "column " + c.name + ": text keys are not a list of up to 100,000");
  const auto counts = r.counts(r.at(text, "counts"), "text counts", keys.size());
  if (counts.size() != keys.size()) bad(r.source, "column " + c.name + ": text keys and counts differ in length");
  std::uint64_t text_total = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i].is_string() || !is_valid_utf8(keys[i].get_ref<const std::string&>()) || keys[i].get_ref<const std::string&>().empty())
      bad(r.source, "column " + c.name + ": a text key is not UTF-8 text");
    if (!c.text.emplace(keys[i].get<std::string>(), counts[i]).second) bad(r.source, "column " + c.name + ": a text key twice");
    text_total = r.add(text_total, counts[i]);
  }
  if (c.text_overflow ? text_total > c.text_cells : text_total != c.text_cells)
    bad(r.source, "column " + c.name + ": text counts do not add up");
  read_numbers(r, r.at(j, "numbers"), c, exact_limit, expand_budget);
  const std::uint64_t numbers = c.numbers.size() + (c.sketch ? c.sketch->count() : 0);
  if (r.add(r.add(numbers, c.missing), c.text_cells) != rows) bad(r.source, "column " + c.name + ": its cells do not add up to the rows");
  return c;
}

}  // namespace

bool is_profile(const std::string& path) {
  if (path == "-") return false;
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  return in.read(head, sizeof head) && std::string_view(head, sizeof head) == k_magic;
}

std::string profile_bytes(Table& table, const ProfileOptions& options) {
  json j;
  j["format"] = "mlops-drift-profile";
  j["version"] = k_version;
  j["source"] = table.source;
  j["rows"] = table.rows;
  j["exact_values"] = options.exact_values;
  json cols = json::array();
  for (Column& c : table.columns) {
    json col;
    col["name"] = c.name;
    col["missing"] = c.missing;
    col["text_cells"] = c.text_cells;
    col["integer_literals"] = c.integer_literals;
    col["text_overflow"] = c.text_overflow;
    col["first_text_line"] = c.first_text_line;
    col["first_text"] = c.first_text;
    // Sorted, so that the same data gives the same bytes.
    std::vector<std::pair<std::string, std::uint64_t>> text(c.text.begin(), c.text.end());
    std::sort(text.begin(), text.end());
    json keys = json::array();
    std::vector<std::uint64_t> counts;
    for (auto& [k, n] : text) keys.push_back(k), counts.push_back(n);
    col["text"] = {{"keys", std::move(keys)}, {"counts", u64_bytes(counts)}};
    col["numbers"] = numbers_json(c, options);
    cols.push_back(std::move(col));
  }
  j["columns"] = std::move(cols);
  std::string out(k_magic);
  json::to_cbor(j, out);
  return out;
}

Table parse_profile(std::string_view bytes, const std::string& source, std::uint64_t max_number_bytes) {
  if (bytes.size() < k_magic.size() || bytes.substr(0, k_magic.size()) != k_magic)
    bad(source, "it does not start with the profile's magic bytes");
  if (bytes.size() > k_max_file_bytes) bad(source, "larger than 1 GiB");
  json j;
  BoundedSax sax(j);
  bool ok = false;
  try {
    ok = json::sax_parse(bytes.substr(k_magic.size()), &sax, nlohmann::detail::input_format_t::cbor, true);
  } catch (const json::exception& e) {
    bad(source, std::string("CBOR: ") + e.what());
  }
  if (sax.too_deep()) bad(source, "nested deeper than the format");
  if (!ok || !j.is_object()) bad(source, "not a CBOR map");
  const Reader r{source};
  if (r.text(j, "format") != "mlops-drift-profile") bad(source, "\"format\" is not mlops-drift-profile");
  const std::uint64_t version = r.u64(j, "version", 1u << 30);
  if (version > static_cast<std::uint64_t>(k_version))
    throw Error(
        ErrorKind::invalid_input,
        source + ": a drift profile of version " + std::to_string(version) + "; this mlops reads version " + std::to_string(k_version),
        "upgrade mlops, or write the profile again with this one");
  if (version == 0) bad(source, "version 0");
  Table t;
  t.source = source;
  t.rows = r.u64(j, "rows");
  const std::uint64_t exact_limit =
      std::max<std::uint64_t>(r.u64(j, "exact_values", k_profile_max_exact_values), NumberSketch::k_exact_distinct);
  const json& cols = r.at(j, "columns");
  if (!cols.is_array() || cols.empty() || cols.size() > k_max_columns) bad(source, "\"columns\" is not a list of 1 to 100,000 columns");
  std::uint64_t budget = max_number_bytes != 0 ? max_number_bytes : k_default_expand_bytes;
  std::unordered_set<std::string> names;
  for (const json& c : cols) {
    t.columns.push_back(read_column(r, c, t.rows, exact_limit, budget));
    if (!names.insert(t.columns.back().name).second) bad(source, "column " + t.columns.back().name + " twice");
  }
  return t;
}

Table read_profile(const std::string& path, std::uint64_t max_number_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) throw Error(ErrorKind::not_found, "no such file: " + path);
    throw Error(ErrorKind::io, "cannot read " + path + ": " + std::strerror(errno));
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(std::max<std::streamoff>(0, in.tellg()));
  if (size > k_max_file_bytes) bad(path, "larger than 1 GiB");
  in.seekg(0);
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) throw Error(ErrorKind::io, "cannot read " + path);
  return parse_profile(bytes, path, max_number_bytes);
}

Table merge_tables(std::vector<Table>& parts) {
  if (parts.empty()) throw Error(ErrorKind::usage, "nothing to merge");
  Table out = std::move(parts[0]);
  for (std::size_t p = 1; p < parts.size(); ++p) {
    Table& t = parts[p];
    std::vector<std::string> a, b;
    for (const Column& c : out.columns) a.push_back(c.name);
    for (const Column& c : t.columns) b.push_back(c.name);
    if (a != b) {
      std::string msg = t.source + " has other columns than " + out.source + ":";
      const std::set<std::string> sa(a.begin(), a.end()), sb(b.begin(), b.end());
      std::string missing, extra;
      for (const auto& n : a)
        if (!sb.count(n)) missing += (missing.empty() ? " " : ", ") + escape_controls(n);
      for (const auto& n : b)
        if (!sa.count(n)) extra += (extra.empty() ? " " : ", ") + escape_controls(n);
      if (!missing.empty()) msg += " missing" + missing + ";";
      if (!extra.empty()) msg += " extra" + extra + ";";
      if (missing.empty() && extra.empty()) msg += " the same names in another order;";
      msg.pop_back();
      throw Error(ErrorKind::invalid_input, msg, "merge profiles of the same columns");
    }
    if (__builtin_add_overflow(out.rows, t.rows, &out.rows) || out.rows > k_max_rows)
      throw Error(ErrorKind::invalid_input, "the merged rows exceed 2^62");
    for (std::size_t i = 0; i < out.columns.size(); ++i) {
      Column& c = out.columns[i];
      Column& o = t.columns[i];
      c.missing += o.missing;
      c.text_cells += o.text_cells;
      c.integer_literals = c.integer_literals && o.integer_literals;
      if (c.first_text_line == 0) c.first_text_line = o.first_text_line, c.first_text = o.first_text;
      c.text_overflow = c.text_overflow || o.text_overflow;
      for (const auto& [k, n] : o.text) {
        if (c.text_overflow) break;
        const auto it = c.text.find(k);
        if (it != c.text.end()) it->second += n;
        else if (c.text.size() >= CsvOptions{}.max_distinct_text) c.text_overflow = true;
        else c.text.emplace(k, n);
      }
      if (c.text_overflow) c.text.clear();  // free text: not tested, its values are not needed
      if (!c.sketch && !o.sketch) {
        c.numbers.insert(c.numbers.end(), o.numbers.begin(), o.numbers.end());
        sort_values(c.numbers);
      } else {
        for (Column* side : {&c, &o}) {
          if (side->sketch) continue;
          side->sketch = std::make_shared<NumberSketch>();
          sort_values(side->numbers);
          side->sketch->add_sorted(side->numbers);
          std::vector<double>().swap(side->numbers);
        }
        auto merged = std::make_shared<NumberSketch>(*c.sketch);
        merged->merge(*o.sketch);
        c.sketch = std::move(merged);
      }
    }
  }
  return out;
}

}  // namespace mlops::drift
