// SPDX-License-Identifier: MIT
// Plain decimals kept as scaled integers (CsvOptions::scaled): the same doubles bit for bit
// when turned back, every spelling that is not a plain decimal (or does not fit) back on the
// doubles, and a K-S test on the integers that equals the one on the doubles.
#include <mlops/drift.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace mlops::drift;

namespace {

CsvOptions scaled_options() {
  CsvOptions o;
  o.scaled = true;
  return o;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

// The column as doubles, whichever way the reader kept it.
std::vector<double> doubles_of(Column c) {
  to_doubles(c);
  return c.numbers;
}

std::uint64_t next_random(std::uint64_t& x) {  // splitmix64
  x += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = x;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A CSV of `rows` rows: column a with `decimals_a` decimals, b with `decimals_b` (-1: a mix of 2
// and 6), values around `shift`, about a third of them ties at one decimal.
std::string csv_text(std::uint64_t seed, int rows, int decimals_a, int decimals_b, double shift) {
  std::string text = "a,b\n";
  char buf[64];
  for (int i = 0; i < rows; ++i) {
    for (int col = 0; col < 2; ++col) {
      const double u = static_cast<double>(next_random(seed) >> 11) / 9007199254740992.0;
      const double v = (u - 0.5) * 6 + shift;
      int d = col == 0 ? decimals_a : decimals_b;
      if (d < 0) d = (i % 3 == 0) ? 2 : 6;
      std::snprintf(buf, sizeof buf, "%.*f", d, v);
      text += buf;
      text += col == 0 ? ',' : '\n';
    }
  }
  return text;
}

}  // namespace

TEST_CASE("drift scaled: plain decimals kept as integers come back as the reader's doubles, bit for bit", "[drift]") {
  // Column a mixes 2 and 6 decimals (the integers are rescaled to 6), b holds integers, -0 and
  // the spellings that are the same plain decimal (blanks, a '+', a CR at the end of a line).
  const std::string text =
      "a,b,c\r\n"
      "1.25,3,-0.000000\r\n"
      "-2.5,-0,0.1\r\n"
      "0.123456, 7 ,+0.5\r\n"
      "-0.000001,NA,-0.0\r\n"
      "12.,nan,.5\r\n"
      "-1234.5,-inf,0\r\n";
  const Table plain = parse_csv(text, "t.csv");
  const Table scaled = parse_csv(text, "t.csv", scaled_options());
  REQUIRE(scaled.columns.size() == 3);
  CHECK(scaled.columns[0].scale == 6);
  CHECK(scaled.columns[0].scaled == std::vector<std::int32_t>{1250000, -2500000, 123456, -1, 12000000, -1234500000});
  CHECK(scaled.columns[1].scale == 0);
  CHECK(scaled.columns[1].negative_zeros == std::vector<std::uint64_t>{1});
  CHECK(scaled.columns[1].missing == 3);  // NA, nan, -inf: missing, as without scaling
  CHECK(scaled.columns[1].integer_literals);
  CHECK(scaled.columns[2].scale == 6);
  CHECK(scaled.columns[2].negative_zeros == std::vector<std::uint64_t>{0, 3});
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("column " << i);
    CHECK(plain.columns[i].scale == -1);
    CHECK(scaled.columns[i].numbers.empty());
    CHECK(same_bits(doubles_of(scaled.columns[i]), plain.columns[i].numbers));
    CHECK(scaled.columns[i].missing == plain.columns[i].missing);
    CHECK(scaled.columns[i].integer_literals == plain.columns[i].integer_literals);
  }
  CHECK(std::signbit(doubles_of(scaled.columns[2])[0]));
  CHECK(std::signbit(doubles_of(scaled.columns[1])[1]));
}

TEST_CASE("drift scaled: what is no plain decimal, or does not fit, turns the column into doubles", "[drift]") {
  struct Case {
    const char* name;
    const char* cells;  // one column, after the header
  };
  const Case cases[] = {
      {"an exponent", "1.5\n2.25\n1e-3\n4.5\n"},
      {"more than 9 decimals", "1.5\n0.1234567891\n2.5\n"},
      {"a mantissa longer than 19 digits", "1.5\n0.12345678901234567890123\n2\n"},
      {"an integer beyond 32 bits once scaled", "0.5\n3000.123456\n1\n"},
      {"a rescale that would not fit", "30000.5\n1.25\n0.000001\n7\n"},
      {"infinity spelt out and a huge number", "1.5\ninfinity\n1e308\n-2\n"},
      {"a value past 2^31 as an integer", "1\n2147483648\n3\n"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string text = std::string("v\n") + c.cells;
    const Table plain = parse_csv(text, "t.csv");
    const Table scaled = parse_csv(text, "t.csv", scaled_options());
    CHECK(scaled.columns[0].scale == -1);
    CHECK(scaled.columns[0].scaled.empty());
    CHECK(same_bits(scaled.columns[0].numbers, plain.columns[0].numbers));
    CHECK(scaled.columns[0].text_cells == plain.columns[0].text_cells);
    CHECK(scaled.columns[0].missing == plain.columns[0].missing);
  }
  // With --max-memory (max_number_bytes) nothing is scaled: the budget counts doubles.
  CsvOptions o = scaled_options();
  o.max_number_bytes = 1 << 20;
  CHECK(parse_csv("v\n1.5\n2.5\n", "t.csv", o).columns[0].scale == -1);
}

TEST_CASE("drift scaled: sort_scaled sorts as sort_values sorts the doubles, -0.0 first among the zeros", "[drift]") {
  std::uint64_t seed = 5;
  for (const int n : {100, 5000, 70000}) {
    for (const int decimals : {0, 1, 6}) {
      std::string text = "v\n";
      char buf[64];
      for (int i = 0; i < n; ++i) {
        const double u = static_cast<double>(next_random(seed) >> 11) / 9007199254740992.0;
        std::snprintf(buf, sizeof buf, "%.*f\n", decimals, (u - 0.5) * (decimals == 0 ? 40 : 4));
        text += (i % 997 == 0) ? (decimals == 0 ? "-0\n" : "-0.0\n") : buf;
      }
      Column c = parse_csv(text, "t.csv", scaled_options()).columns[0];
      std::vector<double> want = doubles_of(c);
      sort_values(want);
      REQUIRE(c.scale == decimals);
      sort_scaled(c);
      INFO("n " << n << " decimals " << decimals);
      CHECK(std::is_sorted(c.scaled.begin(), c.scaled.end()));
      const std::vector<double> got = doubles_of(c);
      if (n >= 4096) {
        CHECK(same_bits(got, want));  // the radix sort on the doubles' bits puts -0.0 first too
      } else {
        CHECK(got == want);  // std::sort leaves -0.0 anywhere among the zeros
      }
    }
  }
  // Found sorted: nothing moves, a -0.0 after a 0 included (sort_values leaves it there too).
  Column c = parse_csv("v\n-1\n0\n-0\n2\n", "t.csv", scaled_options()).columns[0];
  sort_scaled(c);
  std::vector<double> want = {-1.0, 0.0, -0.0, 2.0};
  sort_values(want);
  CHECK(same_bits(doubles_of(c), want));
}

TEST_CASE("drift scaled: ks_2samp_scaled equals ks_2samp on the doubles, bit for bit", "[drift]") {
  struct Case {
    int rows_a, rows_b, decimals_a, decimals_b;
    double shift;
  };
  // Equal sizes (many points share the extreme numerator), unequal ones, ties at one decimal,
  // a column mixing 2 and 6 decimals, columns of different scales, no drift and drift.
  const Case cases[] = {{5000, 5000, 6, 6, 0.0}, {5000, 5000, 1, 1, 0.05}, {4100, 7001, 6, 6, 0.2}, {6000, 4500, -1, 6, 0.1},
                        {4800, 5200, 2, 6, 0.0}, {5000, 5000, 0, 3, 0.3},  {9000, 4096, 3, 3, 1.5}};
  std::uint64_t seed = 100;
  for (const Case& k : cases) {
    const Table ref = parse_csv(csv_text(++seed, k.rows_a, k.decimals_a, k.decimals_b, 0.0), "r.csv", scaled_options());
    const Table cur = parse_csv(csv_text(++seed, k.rows_b, k.decimals_a, k.decimals_b, k.shift), "c.csv", scaled_options());
    for (std::size_t col = 0; col < 2; ++col) {
      INFO("case " << k.rows_a << "x" << k.rows_b << " decimals " << k.decimals_a << "/" << k.decimals_b << " column " << col);
      Column a = ref.columns[col], b = cur.columns[col];
      // Column b of the first table and column a of the second: different scales, rescaled.
      if (col == 1) a = ref.columns[0];
      std::vector<double> da = doubles_of(a), db = doubles_of(b);
      const TestResult want = ks_2samp(da, db);
      const int scale = std::max(a.scale, b.scale);
      REQUIRE(rescale(a, scale));
      REQUIRE(rescale(b, scale));
      sort_scaled(a);
      sort_scaled(b);
      TestResult got;
      REQUIRE(ks_2samp_scaled(a, b, got));
      CHECK(got.statistic == want.statistic);
      CHECK(got.p_value == want.p_value);
    }
  }
  // One side always a value ahead of the other: every other point of the walk has the extreme
  // numerator i * n2 - j * n1, and their doubles (k + 1) / n - k / n differ in the last bits;
  // scipy takes the largest of them (of either sign).
  for (const bool a_first : {true, false}) {
    std::string ta = "v\n", tb = "v\n";
    for (int k = 0; k < 12000; ++k) {  // past 10000 values: scipy keeps D as computed (no lattice rounding)
      ta += std::to_string(2 * k + (a_first ? 0 : 1)) + "\n";
      tb += std::to_string(2 * k + (a_first ? 1 : 0)) + "\n";
    }
    Column a = parse_csv(ta, "a.csv", scaled_options()).columns[0], b = parse_csv(tb, "b.csv", scaled_options()).columns[0];
    std::vector<double> da = doubles_of(a), db = doubles_of(b);
    const TestResult want = ks_2samp(da, db);
    TestResult got;
    REQUIRE(ks_2samp_scaled(a, b, got));
    INFO("a first " << a_first);
    CHECK(want.statistic != 1.0 / 12000);  // the first such point's double is not the largest
    CHECK(got.statistic == want.statistic);
    CHECK(got.p_value == want.p_value);
  }
  // Different scales are refused: the caller rescales.
  Column a = parse_csv("v\n1.5\n2.5\n", "t.csv", scaled_options()).columns[0];
  Column b = parse_csv("v\n1.25\n2\n", "t.csv", scaled_options()).columns[0];
  TestResult t;
  CHECK_FALSE(ks_2samp_scaled(a, b, t));
}

TEST_CASE("drift scaled: compare() gives the same report from scaled columns as from doubles", "[drift]") {
  std::uint64_t seed = 900;
  for (const Method m : {Method::ks, Method::auto_, Method::wasserstein, Method::psi}) {
    for (const int decimals_b : {6, -1, 2}) {
      const std::string ref_text = csv_text(++seed, 5000, 6, decimals_b, 0.0);
      const std::string cur_text = csv_text(++seed, 6000, decimals_b == 2 ? 2 : 6, 6, 0.08);
      Table ref_plain = parse_csv(ref_text, "r.csv"), cur_plain = parse_csv(cur_text, "c.csv");
      Table ref_scaled = parse_csv(ref_text, "r.csv", scaled_options()), cur_scaled = parse_csv(cur_text, "c.csv", scaled_options());
      REQUIRE(ref_scaled.columns[0].scale >= 0);
      REQUIRE(cur_scaled.columns[1].scale >= 0);
      Options o;
      o.method = m;
      o.threads = 1;
      const Report want = compare(ref_plain, cur_plain, o);
      const Report got = compare(ref_scaled, cur_scaled, o);
      INFO("method " << to_string(m) << " decimals " << decimals_b);
      CHECK(to_json(got) == to_json(want));
      CHECK(to_html(got) == to_html(want));
    }
  }
}
