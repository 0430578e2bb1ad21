// SPDX-License-Identifier: MIT
#include "git/merge.hpp"
#include "scaffold/source.hpp"
#include "scaffold/versions.hpp"

#include <mlops/error.hpp>
#include <mlops/scaffold.hpp>

#include <catch2/catch.hpp>

using namespace mlops;
using namespace mlops::scaffold;

TEST_CASE("versions parse as numbers, with an optional v", "[versions]") {
  CHECK(parse_version("1.2.3") == std::vector<long>{1, 2, 3});
  CHECK(parse_version("v10") == std::vector<long>{10});
  CHECK_FALSE(parse_version("1.2.0-rc1"));
  CHECK_FALSE(parse_version("release"));
  CHECK_FALSE(parse_version(""));
  CHECK_FALSE(parse_version("1..2"));
  CHECK_FALSE(parse_version("1.2."));
  CHECK_FALSE(parse_version("99999999999999999999999"));
  CHECK(compare_versions(*parse_version("v10"), *parse_version("v2")) > 0);
  CHECK(compare_versions(*parse_version("1.2"), *parse_version("1.2.0")) == 0);
  CHECK(compare_versions(*parse_version("1.2.0"), *parse_version("1.10")) < 0);
}

TEST_CASE("the latest version tag ignores branches, pre-releases and other names", "[versions]") {
  const std::map<std::string, std::string> refs = {{"HEAD", "h"},           {"refs/heads/v99", "b"},         {"refs/tags/v2", "2"},
                                                   {"refs/tags/v10", "10"}, {"refs/tags/v11.0.0-rc1", "rc"}, {"refs/tags/nightly", "n"}};
  const auto latest = latest_version_tag(refs);
  REQUIRE(latest);
  CHECK(latest->tag == "v10");
  CHECK(latest->commit == "10");
  CHECK_FALSE(latest_version_tag({{"HEAD", "h"}, {"refs/tags/nightly", "n"}}));
}

TEST_CASE("every version of every built-in template loads and renders its answers", "[versions]") {
  for (const auto& t : list_templates()) {
    if (t.location != "builtin") continue;
    const auto versions = builtin_versions(t.name);
    REQUIRE_FALSE(versions.empty());
    CHECK(versions[0] == t.version);
    for (const auto& v : versions) {
      INFO(t.name << " " << v);
      const Template tpl = load_builtin_version(t.name, v);
      CHECK(tpl.manifest.version == v);
      AnswerSources s;
      s.use_defaults = true;
      Builtins b{"demo", "2026", "", ""};
      CHECK_NOTHROW(resolve_answers(tpl, b, s));
    }
  }
  CHECK_THROWS_AS(load_builtin_version("ml-project", "0.0.1"), Error);
}

TEST_CASE("merge_file merges separate edits and marks overlapping ones", "[versions][merge]") {
  const std::string base = "a\nb\nc\nd\ne\n";
  const auto clean = git::merge_file(base, "a1\nb\nc\nd\ne\n", "a\nb\nc\nd\ne1\n", {"base", "yours", "template"});
  CHECK(clean.clean);
  CHECK(clean.content == "a1\nb\nc\nd\ne1\n");
  const auto conflict = git::merge_file(base, "a\nb\nX\nd\ne\n", "a\nb\nY\nd\ne\n", {"base", "yours", "template"});
  CHECK_FALSE(conflict.clean);
  CHECK(conflict.content.find("<<<<<<< yours") != std::string::npos);
  CHECK(conflict.content.find(">>>>>>> template") != std::string::npos);
  const auto ours = git::merge_file(base, "a\nb\nX\nd\ne\n", "a\nb\nY\nd\ne1\n", {"base", "yours", "template"}, true);
  CHECK(ours.content == "a\nb\nX\nd\ne1\n");
}
