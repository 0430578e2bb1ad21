// SPDX-License-Identifier: MIT
// Reference profiles: an exact profile gives the report the data gives; merge(A, B) is the
// profile of A and B together; a column past the size is a sketch whose results state their
// error; --max-memory switches columns to the sketch; a profile from disk is checked.
#include "drift/number_sketch.hpp"

#include <mlops/drift.hpp>
#include <mlops/drift_profile.hpp>
#include <mlops/error.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace mlops;
using namespace mlops::drift;

namespace {

// Rows of x (many values), n (few integers), c (categories); `shift` moves x.
std::string profile_csv(std::size_t rows, double shift, std::uint64_t seed) {
  std::string s = "x,n,c\n";
  std::uint64_t z = seed;
  for (std::size_t i = 0; i < rows; ++i) {
    z = z * 6364136223846793005ull + 1442695040888963407ull;
    const double u = static_cast<double>(z >> 11) / 9007199254740992.0;
    s += std::to_string(static_cast<int>(u * 1000) + static_cast<int>(shift)) + "." + std::to_string(i % 10) + "," +
         std::to_string((z >> 40) % 4) + "," + (i % 3 == 0 ? "a" : (i % 3 == 1 ? "b" : "")) + "\n";
  }
  return s;
}

std::string report_of(Table ref, const std::string& cur_csv) {
  Table cur = parse_csv(cur_csv, "cur.csv");
  ref.source = "ref";
  return to_json(compare(ref, cur, Options{}));
}

Table round_trip(Table t, const ProfileOptions& o = {}) { return parse_profile(profile_bytes(t, o), "ref"); }

}  // namespace

TEST_CASE("an exact profile gives the report its data gives", "[drift][profile]") {
  for (const std::size_t rows : {50, 3000}) {
    const std::string ref = profile_csv(rows, 0, 1), cur = profile_csv(rows, 30, 2);
    const Table from_profile = round_trip(parse_csv(ref, "ref.csv"));
    for (const Column& c : from_profile.columns) CHECK(c.sketch == nullptr);
    CHECK(report_of(from_profile, cur) == report_of(parse_csv(ref, "ref.csv"), cur));
  }
}

TEST_CASE("merge(A, B) is the profile of A and B together while exact", "[drift][profile]") {
  const std::string a = profile_csv(700, 0, 3), b = profile_csv(900, 5, 4);
  const std::string both = a + b.substr(b.find('\n') + 1);
  std::vector<Table> parts;
  parts.push_back(round_trip(parse_csv(a, "a.csv")));
  parts.push_back(round_trip(parse_csv(b, "b.csv")));
  Table merged = round_trip(merge_tables(parts));
  Table whole = round_trip(parse_csv(both, "ab.csv"));
  REQUIRE(merged.rows == whole.rows);
  for (std::size_t i = 0; i < whole.columns.size(); ++i) {
    CHECK(merged.columns[i].sketch == nullptr);
    CHECK(merged.columns[i].numbers == whole.columns[i].numbers);
    CHECK(merged.columns[i].text == whole.columns[i].text);
    CHECK(merged.columns[i].missing == whole.columns[i].missing);
    CHECK(merged.columns[i].integer_literals == whole.columns[i].integer_literals);
  }
  const std::string cur = profile_csv(500, 20, 5);
  CHECK(report_of(merged, cur) == report_of(whole, cur));
}

TEST_CASE("merged exact values past the size become a sketch", "[drift][profile]") {
  ProfileOptions small;
  small.exact_values = 1000;
  std::vector<Table> parts;
  parts.push_back(round_trip(parse_csv(profile_csv(900, 0, 6), "a.csv"), small));
  parts.push_back(round_trip(parse_csv(profile_csv(900, 0, 7), "b.csv"), small));
  CHECK(parts[0].columns[0].sketch == nullptr);
  const Table merged = round_trip(merge_tables(parts), small);
  CHECK(merged.columns[0].sketch != nullptr);  // x: more than 1000 distinct values together
  CHECK(merged.columns[1].sketch == nullptr);  // n: 4 values
  CHECK(merged.columns[0].sketch->count() == 1800);
}

TEST_CASE("results from a sketch state their error in every format", "[drift][profile]") {
  ProfileOptions small;
  small.exact_values = 100;
  Table ref = round_trip(parse_csv(profile_csv(20000, 0, 8), "ref.csv"), small);
  REQUIRE(ref.columns[0].sketch != nullptr);
  Table cur = parse_csv(profile_csv(20000, 0, 9), "cur.csv");
  const Report r = compare(ref, cur, Options{});
  const ColumnResult& x = r.columns[0];
  CHECK(x.rank_error > 0);
  REQUIRE(x.score_low);
  REQUIRE(x.score_high);
  CHECK(*x.score_low <= x.drift_score);
  CHECK(x.drift_score <= *x.score_high);
  CHECK(r.columns[1].rank_error == 0);  // few values: exact counts
  for (const std::string& out : {to_markdown(r), to_html(r), to_junit(r), to_table(r)})
    CHECK(out.find("from a sketch: rank error") != std::string::npos);
  CHECK(to_json(r).find("\"rank_error\": 0.00") != std::string::npos);
}

TEST_CASE("the sketch's K-S statistic is within its rank error of the exact one", "[drift][profile]") {
  ProfileOptions small;
  small.exact_values = 100;
  const std::string ref_csv = profile_csv(50000, 0, 10), cur_csv = profile_csv(40000, 3, 11);
  Options ks;
  ks.method = Method::ks;
  Table exact_ref = parse_csv(ref_csv, "ref.csv"), cur1 = parse_csv(cur_csv, "cur.csv");
  const Report exact = compare(exact_ref, cur1, ks);
  Table sketch_ref = round_trip(parse_csv(ref_csv, "ref.csv"), small), cur2 = parse_csv(cur_csv, "cur.csv");
  const Report approx = compare(sketch_ref, cur2, ks);
  CHECK(std::abs(approx.columns[0].statistic - exact.columns[0].statistic) <= approx.columns[0].rank_error);
}

TEST_CASE("past --max-memory the largest columns go to a sketch, and say so", "[drift][profile]") {
  CsvOptions limited;
  limited.max_number_bytes = 64 * 1024;  // 8192 numbers
  Table ref = parse_csv(profile_csv(20000, 0, 12), "ref.csv", limited);
  CHECK(ref.columns[0].sketch != nullptr);
  CHECK(ref.columns[0].numbers.empty());
  std::uint64_t kept = 0;
  for (const Column& c : ref.columns) kept += c.numbers.capacity() * sizeof(double);
  CHECK(kept <= limited.max_number_bytes);
  Table cur = parse_csv(profile_csv(20000, 0, 13), "cur.csv", limited);
  const Report r = compare(ref, cur, Options{});
  CHECK(r.columns[0].rank_error > 0);
  CHECK(r.columns[0].n_ref == 20000);
  // Without the limit: exact.
  Table ref2 = parse_csv(profile_csv(20000, 0, 12), "ref.csv"), cur3 = parse_csv(profile_csv(20000, 0, 13), "cur.csv");
  CHECK(compare(ref2, cur3, Options{}).columns[0].rank_error == 0);
}

TEST_CASE("a profile from disk is checked", "[drift][profile]") {
  Table t = parse_csv(profile_csv(100, 0, 14), "ref.csv");
  const std::string good = profile_bytes(t);
  CHECK_NOTHROW(parse_profile(good, "p"));
  CHECK_THROWS_WITH(parse_profile("x,y\n1,2\n", "p"), Catch::Contains("magic bytes"));
  CHECK_THROWS_AS(parse_profile(good.substr(0, good.size() / 2), "p"), Error);
  // Every byte changed in turn: an error or a profile, never a crash or another exception.
  for (std::size_t i = 8; i < good.size(); i += 7) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    try {
      (void)parse_profile(bad, "p");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::invalid_input);
    }
  }
}

TEST_CASE("a weighted KLL update keeps the weight exactly", "[drift][profile]") {
  KllSketch s(16);
  s.update(1.0, (std::uint64_t{1} << 40) + 5);
  for (int i = 0; i < 1000; ++i) s.update(static_cast<double>(i), 3);
  std::uint64_t total = 0;
  for (const auto& [v, w] : s.weighted_values()) total += w;
  CHECK(total == s.count());
  CHECK(s.count() == (std::uint64_t{1} << 40) + 5 + 3000);
  CHECK_FALSE(KllSketch::restore(16, 3, 0, 1, {{0.5, 0.5}}));  // weights sum to 2
  CHECK_FALSE(KllSketch::restore(16, 2, 0, 1, {{0.5, 2.0}}));  // outside [min, max]
  CHECK(KllSketch::restore(16, 4, 0, 1, {{0.5, 0.25}, {1.0}}).has_value());
}

TEST_CASE("a column of few values past --max-memory gives the exact report", "[drift][profile]") {
  // n has 4 values: its sketch keeps exact counts, so chi-square/z give the numbers the
  // kept values give.
  CsvOptions limited;
  limited.max_number_bytes = 16 * 1024;
  const std::string ref_csv = profile_csv(6000, 0, 15), cur_csv = profile_csv(6000, 0, 16);
  Table r1 = parse_csv(ref_csv, "ref.csv", limited), c1 = parse_csv(cur_csv, "cur.csv", limited);
  REQUIRE(r1.columns[1].sketch != nullptr);
  Table r2 = parse_csv(ref_csv, "ref.csv"), c2 = parse_csv(cur_csv, "cur.csv");
  const Report a = compare(r1, c1, Options{}), b = compare(r2, c2, Options{});
  CHECK(a.columns[1].rank_error == 0);
  CHECK(a.columns[1].stattest == b.columns[1].stattest);
  CHECK(a.columns[1].drift_score == Approx(b.columns[1].drift_score).epsilon(1e-12));
  CHECK(a.columns[1].bins == b.columns[1].bins);
}
