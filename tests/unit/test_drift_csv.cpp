// SPDX-License-Identifier: MIT
// The CSV reader of mlops drift: RFC 4180 quoting, missing cells, and every kind of bad input
// turned into one clear error.
#include <mlops/drift.hpp>
#include <mlops/error.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace mlops;
using namespace mlops::drift;

namespace {

std::string error_of(const std::string& text, const CsvOptions& o = {}) {
  try {
    parse_csv(text, "t.csv", o);
  } catch (const Error& e) {
    return std::string(to_string(e.kind())) + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("drift csv: numbers, missing cells, quotes, CRLF and a byte order mark", "[drift]") {
  const Table t = parse_csv(
      "\xef\xbb\xbf"
      "a,b,\"c, d\"\r\n1,x,\"he said \"\"hi\"\"\"\r\n2.5,,\"two\nlines\"\r\nNA,x,3\r\n",
      "t.csv");
  REQUIRE(t.columns.size() == 3);
  CHECK(t.columns[0].name == "a");
  CHECK(t.columns[2].name == "c, d");
  CHECK(t.rows == 3);
  CHECK(t.columns[0].numbers == std::vector<double>{1, 2.5});
  CHECK(t.columns[0].missing == 1);
  CHECK_FALSE(t.columns[0].integer_literals);
  CHECK(t.columns[1].missing == 1);
  CHECK(t.columns[1].text.at("x") == 2);
  CHECK(t.columns[2].text.count("he said \"hi\"") == 1);
  CHECK(t.columns[2].text.count("two\nlines") == 1);
  CHECK(t.columns[2].numbers == std::vector<double>{3});
}

TEST_CASE("drift csv: pandas' NA spellings, infinities and signs", "[drift]") {
  const Table t = parse_csv("v\nnan\nNULL\n-inf\n+1.5\n 7 \n1e3\n\n", "t.csv");
  CHECK(t.columns[0].missing == 3);
  CHECK(t.columns[0].numbers == std::vector<double>{1.5, 7, 1000});
  CHECK(t.columns[0].text_cells == 0);
}

TEST_CASE("drift csv: the last line without a newline, and an empty column name", "[drift]") {
  const Table t = parse_csv(",x\n1,2", "t.csv");
  CHECK(t.columns[0].name == "Unnamed: 0");
  CHECK(t.columns[1].numbers == std::vector<double>{2});
  CHECK(t.columns[1].integer_literals);
}

TEST_CASE("drift csv: bad input gets one clear error each", "[drift]") {
  CHECK(error_of("") == "invalid_input: t.csv: empty file: no header row");
  CHECK(error_of("\n\n") == "invalid_input: t.csv: empty file: no header row");
  CHECK(error_of("a,b\n1,2\n3\n") == "invalid_input: t.csv:3: 1 fields, the header has 2");
  CHECK(error_of("a,b\n1,2\n\"x\ny\",1,2\n") == "invalid_input: t.csv:3: 3 fields, the header has 2");
  CHECK(error_of("a,b\n1,\"open\n") == "invalid_input: t.csv:2: a quoted field is not closed");
  CHECK(error_of("a,a\n1,2\n") == "invalid_input: t.csv: the header names column a twice");
  CHECK(error_of("a\n\xff\xfe\n").rfind("invalid_input: t.csv:2: column a holds bytes that are not UTF-8", 0) == 0);
  CHECK(error_of("\xe9t\xe9\n1\n").rfind("invalid_input: t.csv:1: column 1's name is not UTF-8", 0) == 0);
  CsvOptions small;
  small.max_record_bytes = 1024;
  CHECK(error_of("a\n" + std::string(5000, '1') + "\n", small).rfind("invalid_input: t.csv:2: a record longer than", 0) == 0);
}

TEST_CASE("drift csv: text is counted by value, up to a cap", "[drift]") {
  CsvOptions o;
  o.max_distinct_text = 2;
  const Table t = parse_csv("c\nx\ny\nx\nz\n", "t.csv", o);
  CHECK(t.columns[0].text_cells == 4);
  CHECK(t.columns[0].text_overflow);
  CHECK(t.columns[0].first_text_line == 2);
}

TEST_CASE("drift csv: decimal cells are read to the same double as strtod", "[drift]") {
  // The reader's fast path for plain decimals must give strtod's correctly rounded result to
  // the last bit (and the sign of zero), and leave every other form to the general parser.
  std::vector<std::string> cells = {"0",
                                    "-0",
                                    "-0.000000",
                                    "1.",
                                    ".5",
                                    "-.5",
                                    "00012.50",
                                    "9007199254740992",
                                    "9007199254740993",
                                    "9007199254740993.0",
                                    "1234567890123456789",
                                    "12345678901234567890",
                                    "0.1234567890123456789012",
                                    "0.12345678901234567890123",
                                    "1e5",
                                    "-2.5E-3",
                                    "0.3",
                                    "0.7",
                                    "123.456"};
  std::uint64_t x = 12345;
  auto next = [&] {
    x += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  for (int i = 0; i < 20000; ++i) {
    std::string s = (next() & 1) ? "-" : "";
    const int digits = 1 + static_cast<int>(next() % 24);
    const int point = static_cast<int>(next() % (digits + 2)) - 1;  // -1: no point
    for (int d = 0; d < digits; ++d) {
      if (d == point) s += '.';
      s += static_cast<char>('0' + next() % 10);
    }
    if (point == digits) s += '.';
    cells.push_back(s);
  }
  std::string csv = "v\n";
  for (const auto& c : cells) csv += c + "\n";
  const Table t = parse_csv(csv, "t.csv");
  REQUIRE(t.columns[0].numbers.size() == cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const double want = std::strtod(cells[i].c_str(), nullptr);
    INFO(cells[i]);
    CHECK(std::memcmp(&t.columns[0].numbers[i], &want, sizeof want) == 0);
  }
}
