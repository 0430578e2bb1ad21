// SPDX-License-Identifier: MIT
#include "exp/live_log.hpp"
#include "exp/names.hpp"
#include "exp/record.hpp"
#include "exp/record_check.hpp"
#include "exp/ulid.hpp"
#include "mlops/did_you_mean.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace mlops;
using namespace mlops::exp;

TEST_CASE("ULIDs sort by time and round-trip their timestamp", "[exp]") {
  const unsigned char zero[10] = {};
  const unsigned char ones[10] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  const std::string a = make_ulid(1469918176385, zero);
  CHECK(a == "01ARYZ6S41" + std::string(16, '0'));  // the ULID spec's example timestamp
  CHECK(make_ulid(1469918176385, ones).substr(10) == "ZZZZZZZZZZZZZZZZ");
  CHECK(ulid_time_ms(a) == 1469918176385u);
  CHECK(make_ulid(1469918176386, zero) > make_ulid(1469918176385, ones));
  const std::string fresh = new_ulid();
  CHECK(is_ulid(fresh));
  CHECK_FALSE(is_ulid("8ZZZZZZZZZZZZZZZZZZZZZZZZZ"));  // overflows 128 bits
  CHECK_FALSE(is_ulid("01ARYZ6S41"));
  CHECK_FALSE(is_ulid("01ARYZ6S41IIIIIIIIIIIIIIII"));  // I is not in the alphabet
}

TEST_CASE("generated names avoid taken ones", "[exp]") {
  std::set<std::string> taken;
  for (int i = 0; i < 200; ++i) {
    const std::string n = generate_name([&](const std::string& c) { return taken.count(c) > 0; });
    CHECK(is_valid_run_name(n));
    CHECK(taken.insert(n).second);
  }
  CHECK_FALSE(is_valid_run_name("-x"));
  CHECK_FALSE(is_valid_run_name("a b"));
  CHECK_FALSE(is_valid_run_name(new_ulid()));
}

TEST_CASE("series: steps numbered per metric, summaries", "[exp]") {
  fs::TempDir tmp;
  fs::write_file_atomic(tmp.path() / "log.jsonl",
                        "{\"t\":1,\"metrics\":{\"loss\":0.5,\"acc\":0.1},\"step\":null}\n"
                        "{\"t\":2,\"metrics\":{\"loss\":0.3},\"step\":null}\n"
                        "not json\n"
                        "{\"t\":3,\"metrics\":{\"loss\":0.4},\"step\":10}\n"
                        "{\"t\":4,\"params\":{\"opt\":\"adam\",\"lr\":\"0.1\"}}\n"
                        "{\"t\":5,\"artifacts\":[\"/x/y\"]}\n");
  const LiveData d = read_live(tmp.path());
  REQUIRE(d.series.at("loss").size() == 3);
  CHECK(d.series.at("loss")[0].step == 0);
  CHECK(d.series.at("loss")[1].step == 1);
  CHECK(d.series.at("loss")[2].step == 10);
  CHECK(d.series.at("acc")[0].step == 0);
  CHECK(d.params.at("lr") == 0.1);
  CHECK(d.params.at("opt") == "adam");
  CHECK(d.artifacts == std::vector<std::string>{"/x/y"});
  CHECK(d.warnings.size() == 1);
  const Metric m = summarize(d.series.at("loss"));
  CHECK(m.last == 0.4);
  CHECK(m.min == 0.3);
  CHECK(m.max == 0.5);
  CHECK(m.step == 10);
  CHECK(m.count == 3);
  CHECK(series_tsv(d.series.at("acc")) == "step\ttime\tvalue\n0\t1.000\t0.10000000000000001\n");
}

TEST_CASE("series file names are safe", "[exp]") {
  CHECK(series_file_name("loss") == "loss.tsv");
  CHECK(series_file_name("train/loss") == "train%2Floss.tsv");
  CHECK(series_file_name("..") == "%2E..tsv");
}

TEST_CASE("run records round-trip through JSON", "[exp]") {
  Run r;
  r.id = new_ulid();
  r.name = "brave-otter";
  r.status = "completed";
  r.argv = {"python", "train.py"};
  r.exit_code = 0;
  r.tags = {"best"};
  r.metrics["acc"] = Metric{0.9, 0.1, 0.9, 3, 4};
  r.artifacts.push_back({"models/m.pt", 10, "ab", true});
  Run back;
  read_run_json(back, run_json(r), "test");
  read_metrics_json(back, metrics_json(r));
  read_artifacts_json(back, artifacts_json(r));
  CHECK(back.id == r.id);
  CHECK(back.argv == r.argv);
  CHECK(*back.exit_code == 0);
  CHECK(back.tags == r.tags);
  CHECK(back.metrics.at("acc").count == 4);
  CHECK(back.artifacts.at(0).kept);
  nlohmann::json future = run_json(r);
  future["schema"] = 2;
  CHECK_THROWS_AS(read_run_json(back, future, "test"), Error);
}

TEST_CASE("record heads: the fields a listing needs, nesting bounded", "[exp]") {
  RecordHead h;
  const std::string id = "01M8ZZZZZZZZZZZZZZZZZZZZZZ";
  REQUIRE(read_record_head(R"({"schema":1,"id":")" + id + R"(","name":"n","status":"completed","baseline":"","params":{"name":"x"}})", h));
  CHECK(h.name == "n");  // not the params key of the same name
  CHECK(head_problem(h, id).empty());
  CHECK(head_problem(h, "01M8ZZZZZZZZZZZZZZZZZZZZZ1").find("not the ref's") != std::string::npos);
  h.status = "done\x1b[2J";
  CHECK(head_problem(h, id) == "unknown status 'done\\x1b[2J'");
  h.status = "failed";
  h.baseline = "HEAD";
  CHECK(head_problem(h, id).find("baseline") != std::string::npos);
  RecordHead deep;
  CHECK_FALSE(read_record_head("{\"a\":" + std::string(65, '[') + std::string(65, ']') + "}", deep));
  CHECK(deep.too_deep);
  RecordHead at_limit;
  CHECK(read_record_head("{\"a\":" + std::string(63, '[') + std::string(63, ']') + "}", at_limit));
  RecordHead not_object;
  CHECK_FALSE(read_record_head("[1]", not_object));
  CHECK(json_problem(std::string(100000, '[')) == "nested deeper than 64 levels");
  CHECK(json_problem("{\"a\": 1") == "not valid JSON");
  CHECK(json_problem("{\"a\": [1, {\"b\": null}]}").empty());
}

TEST_CASE("printable escapes control characters, escape sequences and invalid UTF-8", "[exp]") {
  CHECK(printable("brave-otter") == "brave-otter");
  CHECK(printable("caf\xc3\xa9 \xe2\x9c\x93") == "caf\xc3\xa9 \xe2\x9c\x93");  // UTF-8 stays
  CHECK(printable("a\x1b[31mb\x07") == "a\\x1b[31mb\\x07");
  CHECK(printable("l1\nl2\tx\r") == "l1\\nl2\\tx\\r");
  CHECK(printable("\xc2\x9b"
                  "2J") == "\\xc2\\x9b2J");      // C1 CSI
  CHECK(printable("\xff\xc3") == "\\xff\\xc3");  // not UTF-8
  CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(printable("\x7f") == "\\x7f");
  // Bidi controls, line/paragraph separators and the BOM would reorder or break the line.
  CHECK(printable("ok \xe2\x80\xae"
                  "txt.exe") == "ok \\u202etxt.exe");  // RIGHT-TO-LEFT OVERRIDE
  CHECK(printable("a\xe2\x80\xa8"
                  "b\xe2\x80\xa9"
                  "c") == "a\\u2028b\\u2029c");
  CHECK(printable("\xef\xbb\xbfx\xe2\x81\xa6y\xd8\x9c") == "\\ufeffx\\u2066y\\u061c");
  CHECK(printable("\xe2\x80\x94 \xe2\x80\x99") == "\xe2\x80\x94 \xe2\x80\x99");  // dashes and quotes stay
}

TEST_CASE("names that read as run ids", "[exp]") {
  const std::vector<std::string> ids = {"01M8XNVBAESNQ3FH7ANAN0DPPX"};
  CHECK(name_reads_as_id("01M8", ids));
  CHECK(name_reads_as_id("snq3fh", ids));      // the random part, any case
  CHECK(name_reads_as_id("SNQ3FH7A", ids));    // the short id
  CHECK(name_reads_as_id("o1m8x", ids));       // O reads as 0
  CHECK_FALSE(name_reads_as_id("SNQ", ids));   // too short to be a prefix
  CHECK_FALSE(name_reads_as_id("deep", ids));  // could be an id, but is none of these
  CHECK_FALSE(name_reads_as_id("run-SNQ3", ids));
  CHECK(normalize_run_id("o1lI") == "0111");
  CHECK(reads_as_id_prefix("abcd"));
  CHECK_FALSE(reads_as_id_prefix("abcu"));  // U is not in the alphabet
  CHECK_FALSE(reads_as_id_prefix(std::string(27, 'A')));
}

TEST_CASE("closest names: typos, prefixes and parts, nearest first", "[exp]") {
  const std::vector<std::string> names = {"metrics.acc", "metrics.loss", "params.lr", "brave-otter", "calm-heron"};
  CHECK(closest_names("brave-oter", names) == std::vector<std::string>{"brave-otter"});
  CHECK(closest_names("acc", names) == std::vector<std::string>{"metrics.acc"});
  CHECK(closest_names("zzzzzz", names).empty());
  CHECK(did_you_mean({"a", "b", "c"}) == "did you mean 'a', 'b' or 'c'?");
  CHECK(did_you_mean({}).empty());
}
