// SPDX-License-Identifier: MIT
// mlops drift's windows, timestamps, p-value corrections and model metrics: the edges a
// hostile or careless file reaches (bad dates, offsets, years out of range, NaN p-values,
// missing labels, too many windows).
#include <mlops/drift.hpp>
#include <mlops/error.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace mlops;
using namespace mlops::drift;

TEST_CASE("drift timestamps: ISO 8601 and Unix seconds, nothing else", "[drift]") {
  CHECK(parse_timestamp("1970-01-01") == 0);
  CHECK(parse_timestamp("2024-03-01") == 1709251200);
  CHECK(parse_timestamp("2024-03-01T00:00:00Z") == 1709251200);
  CHECK(parse_timestamp("2024-03-01 02:00:00+02:00") == 1709251200);
  CHECK(parse_timestamp("2024-03-01T02:00+0200") == 1709251200);
  CHECK(parse_timestamp("2024-02-29T23:00:00-01") == 1709251200);
  CHECK(parse_timestamp("2024-03-01T00:00:00.999Z") == 1709251200);
  CHECK(parse_timestamp(" 1709251200 ") == 1709251200);
  CHECK(parse_timestamp("1709251200.7") == 1709251200);
  CHECK(parse_timestamp("-0.5") == -1);  // rounded down
  CHECK(parse_timestamp("0001-01-01") == -62135596800);
  CHECK(parse_timestamp("9999-12-31T23:59:59Z") == 253402300799);
  for (const char* bad : {"",
                          " ",
                          "2023-02-29",
                          "2024-13-01",
                          "2024-00-10",
                          "2024-01-32",
                          "2024-1-01",
                          "2024-01-01T25:00",
                          "2024-01-01T10:60",
                          "2024-01-01T10:00:61",
                          "2024-01-01T10:00Zjunk",
                          "2024-01-01T10:00+24:00",
                          "2024-01-01X10:00",
                          "0000-01-01",
                          "1e300",
                          "nan",
                          "inf",
                          "12abc",
                          "9999999999999",
                          "2024-01-01T10:00:00.",
                          "--",
                          "2024-01-01T"})
    CHECK_FALSE(parse_timestamp(bad).has_value());
}

TEST_CASE("drift windows: N rows or N hours, days, weeks; weeks from Monday", "[drift]") {
  CHECK(parse_window("1000")->rows == 1000);
  CHECK(parse_window("12h")->seconds == 12 * 3600);
  CHECK(parse_window("1d")->seconds == 86400);
  CHECK(parse_window("2w")->seconds == 14 * 86400);
  CHECK(format_timestamp(parse_window("1w")->origin) == "1970-01-05T00:00:00Z");  // a Monday
  for (const char* bad : {"", "0", "0d", "-1d", "1y", "1dd", "d", "1.5d", "99999999999999999999", "1000000d", " 1d"})
    CHECK_FALSE(parse_window(bad).has_value());
  CHECK(format_timestamp(0) == "1970-01-01T00:00:00Z");
  CHECK(format_timestamp(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_timestamp(1709251200 + 3661) == "2024-03-01T01:01:01Z");
}

TEST_CASE("drift p-value corrections: Bonferroni and Benjamini-Hochberg, NaN left alone", "[drift]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> p = {0.01, nan, 0.04, 0.03, 0.5};
  const auto bonf = adjust_p_values(p, Correction::bonferroni);
  CHECK(bonf[0] == Approx(0.04));
  CHECK(std::isnan(bonf[1]));
  CHECK(bonf[2] == Approx(0.16));
  CHECK(bonf[4] == 1.0);
  // BH by hand: sorted 0.01, 0.03, 0.04, 0.5 (n = 4): 0.04, 0.04, 0.0533.., 0.5; then the
  // running minimum from the top: 0.04, 0.0533.., 0.0533.., 0.5.
  const auto bh = adjust_p_values(p, Correction::bh);
  CHECK(bh[0] == Approx(0.04));
  CHECK(std::isnan(bh[1]));
  CHECK(bh[2] == Approx(0.04 * 4 / 3));
  CHECK(bh[3] == Approx(0.04 * 4 / 3));
  CHECK(bh[4] == Approx(0.5));
  CHECK(adjust_p_values({}, Correction::bh).empty());
  CHECK(adjust_p_values({nan}, Correction::bh)[0] != adjust_p_values({nan}, Correction::bh)[0]);
  CHECK(adjust_p_values({0.2}, Correction::none)[0] == 0.2);
}

TEST_CASE("drift Doane bins: numpy's edges, one bin for a constant or tiny sample", "[drift]") {
  CHECK(doane_edges({}).empty());
  CHECK(doane_edges({3, 3, 3}) == std::vector<double>{2.5, 3.5});
  CHECK(doane_edges({1, 2}) == std::vector<double>{1, 2});
  // numpy.histogram_bin_edges([0, 1, 2, 3, 4, 10], 'doane'): 6 bins over [0, 10].
  const auto e = doane_edges({0, 1, 2, 3, 4, 10});
  REQUIRE(e.size() == 7);
  CHECK(e[1] == Approx(10.0 / 6));
  CHECK(e.front() == 0);
  CHECK(e.back() == 10);
}

TEST_CASE("drift model metrics: missing labels skipped, classes compared by value", "[drift]") {
  const Table t = parse_csv("p,y\n1,1.0\n2,1\n,2\n3,3\nNA,NA\nx,x\n", "m.csv", [] {
    CsvOptions o;
    o.keep_cells = {"p", "y"};
    return o;
  }());
  REQUIRE(t.kept.size() == 2);
  const Performance c = performance(t.kept[0], t.kept[1], t.kept[0].labels, t.kept[1].labels, "classification");
  CHECK(c.rows == 4);
  CHECK(c.skipped == 2);
  CHECK(c.a == Approx(0.75));
  // labels 1, 2, 3, x: F1 1 -> 2/3, 2 -> 0, 3 -> 1, x -> 1
  CHECK(c.b == Approx((2.0 / 3 + 0 + 1 + 1) / 4));
  const Performance r = performance(t.kept[0], t.kept[1], t.kept[0].labels, t.kept[1].labels, "regression");
  CHECK(r.rows == 3);
  CHECK(r.skipped == 3);
  CHECK(r.a == Approx(1.0 / 3));
  CHECK(r.b == Approx(std::sqrt(1.0 / 3)));
  const Kept none;
  CHECK(std::isnan(performance(none, none, {}, {}, "regression").a));
}

TEST_CASE("drift windows: rows routed while reading, bounded count", "[drift]") {
  CsvOptions o;
  o.split_column = "t";
  o.split = [](std::string_view cell, std::uint64_t) -> std::optional<std::int64_t> {
    const auto t = parse_timestamp(cell);
    if (!t) return std::nullopt;
    return *t / 86400;
  };
  const Table t = parse_csv("t,x\n1970-01-03,1\n1970-01-01,2\nbad,3\n1970-01-03,4\n", "w.csv", o);
  CHECK(t.rows == 3);
  CHECK(t.unsplit == 1);
  CHECK(t.first_unsplit_line == 4);
  REQUIRE(t.parts.size() == 2);
  CHECK(t.part_keys == std::vector<std::int64_t>{0, 2});
  CHECK(t.parts[1].columns[1].numbers == std::vector<double>{1, 4});
  // The split column is not kept in the parts (it is not tested): a unique timestamp a row
  // would otherwise be a string a row in memory.
  CHECK(t.parts[1].columns[0].text.empty());
  CHECK(t.parts[1].columns[0].text_cells == 0);
  o.max_parts = 1;
  CHECK_THROWS_AS(parse_csv("t,x\n1970-01-03,1\n1970-01-01,2\n", "w.csv", o), Error);
  o.split_column = "nope";
  CHECK_THROWS_AS(parse_csv("t,x\n1970-01-03,1\n", "w.csv", o), Error);
}
