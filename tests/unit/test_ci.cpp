// SPDX-License-Identifier: MIT
#include "ci/gates_config.hpp"
#include "ci/render.hpp"

#include <mlops/ci.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using namespace mlops;
using namespace mlops::ci;

namespace {

std::vector<GateSpec> gates_of(const std::string& yaml) {
  fs::TempDir dir;
  std::ofstream(dir.path() / "mlops.yaml") << yaml;
  return read_gates(dir.path() / "mlops.yaml");
}

std::string error_of(const std::string& yaml) {
  try {
    gates_of(yaml);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("gates: conditions in the order written, with their lines", "[ci]") {
  const auto g = gates_of("schema: 1\ngates:\n  metrics.accuracy: {min: 0.9, max_drop: 0.01}\n  loss:\n    max: 3e-1\n");
  REQUIRE(g.size() == 3);
  CHECK(g[0].field == "metrics.accuracy");
  CHECK(g[0].kind == "min");
  CHECK(g[0].threshold == 0.9);
  CHECK(g[0].source == "mlops.yaml:3");
  CHECK(g[1].kind == "max_drop");
  CHECK(g[2].field == "loss");
  CHECK(g[2].threshold == 0.3);
  CHECK(g[2].source == "mlops.yaml:5");
  CHECK(gates_of("schema: 1\n").empty());
  CHECK(gates_of("gates:\n").empty());
}

TEST_CASE("gates: malformed sections are usage errors at their line", "[ci]") {
  CHECK_THAT(error_of("gates: [a]\n"), Catch::Contains("mlops.yaml:1"));
  CHECK_THAT(error_of("x: 1\ngates:\n  acc: 0.9\n"), Catch::Contains("mlops.yaml:3"));
  CHECK_THAT(error_of("gates:\n  acc: {mni: 0.9}\n"), Catch::Contains("unknown condition 'mni'"));
  CHECK_THAT(error_of("gates:\n  acc: {min: .nan}\n"), Catch::Contains("must be a number"));
  CHECK_THAT(error_of("gates:\n  acc: {max_drop: -1}\n"), Catch::Contains("at least 0"));
  CHECK_THAT(error_of("gates:\n  acc: {min: [1]}\n"), Catch::Contains("mlops.yaml:2"));
  CHECK_THAT(error_of("gates: {acc: {min: 1}\n"), Catch::Contains("invalid YAML"));
}

TEST_CASE("Markdown cells and XML text cannot break their container", "[ci]") {
  CHECK(md_cell("a|b") == "a\\|b");
  CHECK(md_cell("x < 0.3") == "x < 0.3");
  CHECK(md_cell("<script>") == "&lt;script>");
  CHECK(md_cell("a\nb").find('\n') == std::string::npos);
  CHECK(xml_text("a<&>\"'") == "a&lt;&amp;&gt;&quot;&#39;");
  CHECK(xml_text(std::string("a\x01") + "b\x1b").find('\x01') == std::string::npos);
  CHECK(xml_text("\xff").find('\xff') == std::string::npos);
}

TEST_CASE("JUnit and Markdown of a check", "[ci]") {
  CheckResult r;
  r.run = {"r1", "01J0000000ABCDEFGHJKMNPQRS", "abc"};
  r.gates.push_back({"metrics.acc", "min", ">= 0.9", "mlops.yaml:3", 0.8, std::nullopt, 0.9, "fail", "too low"});
  r.gates.push_back({"metrics.acc", "max_drop", "drop <= 0.01", "mlops.yaml:3", 0.8, std::nullopt, 0.01, "skip", "no baseline"});
  CHECK(r.failed() == 1);
  CHECK_FALSE(r.passed());
  const std::string x = to_junit(r);
  CHECK_THAT(x, Catch::Contains("tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"1\""));
  CHECK_THAT(x, Catch::Contains("name=\"metrics.acc &gt;= 0.9\""));
  const std::string md = to_markdown(r);
  CHECK_THAT(md, Catch::Contains("1 of 2 gates failed, 1 skipped"));
  CHECK_THAT(md, Catch::Contains("| metrics.acc | 0.8 | - |  | >= 0.9 |"));
}

TEST_CASE("step summary: appended whole, or the fallback, or nothing past 1 MiB", "[ci]") {
  fs::TempDir dir;
  const auto file = dir.path() / "summary.md";
  CHECK(append_step_summary(file, "| a |\n", "short\n").empty());
  CHECK(fs::read_regular_file(file, 1 << 20) == "| a |\n");
  { std::ofstream(file, std::ios::trunc) << std::string(k_step_summary_cap - 20, 'x'); }
  CHECK_THAT(append_step_summary(file, std::string(100, 'y'), "short\n"), Catch::Contains("1 MiB"));
  CHECK(fs::read_regular_file(file, 2 << 20) == std::string(k_step_summary_cap - 20, 'x') + "\nshort\n");
  CHECK_THAT(append_step_summary(file, std::string(100, 'y'), std::string(50, 'z')), Catch::Contains("nothing written"));
  CHECK(stdfs::file_size(file) <= k_step_summary_cap);
}
