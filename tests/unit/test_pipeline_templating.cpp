// SPDX-License-Identifier: MIT
#include "pipeline/templating.hpp"

#include <catch2/catch.hpp>

using namespace mlops::pipeline::tmpl;

namespace {
Scope scope_of(const std::string& yaml) {
  Scope s;
  std::string clash, first;
  REQUIRE(s.add(YAML::Load(yaml), "test", clash, first));
  return s;
}
std::optional<std::string> run(const std::string& text, const Scope& s, bool cmd, Failure& f) {
  std::size_t budget = k_max_expanded_bytes;
  return interpolate(text, s, cmd, budget, f);
}
}  // namespace

TEST_CASE("templating: references, escapes, flags in commands", "[pipeline][templating]") {
  const Scope s = scope_of("{a: {b: [x, {c: 7}]}, lr: 0.1, opt: {lr: 0.1, v: true, q: false, l: [1, 2], 'x y': \"it's\"}}");
  Failure f;
  CHECK(run("${lr}", s, false, f) == "0.1");
  CHECK(run("a${ a.b[1].c }b", s, false, f) == "a7b");
  CHECK(run("${a.b[0]}-${lr}", s, false, f) == "x-0.1");
  CHECK(run("\\${lr} ${lr}", s, false, f) == "${lr} 0.1");
  CHECK(run("no refs $HOME", s, false, f) == "no refs $HOME");
  const auto flags = run("run ${opt}", s, true, f);
  INFO(f.what);
  REQUIRE(flags);
  CHECK(*flags == "run --lr 0.1 --v --l 1 2 '--x y' 'it'\\''s'");
}

TEST_CASE("templating: what is refused, and why", "[pipeline][templating]") {
  const Scope s = scope_of("{a: {b: [x]}, m: {n: {o: 1}}, z: null}");
  const auto refused = [&](const std::string& text, bool cmd, const std::string& why) {
    Failure f;
    INFO(text);
    CHECK_FALSE(run(text, s, cmd, f));
    CHECK_THAT(f.what, Catch::Contains(why));
  };
  refused("${nope}", false, "unknown variable 'nope'");
  refused("${a.b[1]}", false, "unknown variable 'a.b[1]'");
  refused("${a.b[99999999999]}", false, "is not a variable reference");
  refused("${a b}", false, "is not a variable reference");
  refused("${}", false, "is not a variable reference");
  refused("${a", false, "is not closed");
  refused("${a}", false, "is a map, which cannot be put into text");
  refused("${a.b}", true, "is a list, which cannot be put into text");
  refused("${m}", true, "nested value under 'n'");
  refused("${z}", false, "is null");
  Failure f;
  std::size_t budget = 3;
  CHECK_FALSE(interpolate("${a.b[0]}${a.b[0]}${a.b[0]}${a.b[0]}", s, false, budget, f));
  CHECK_THAT(f.what, Catch::Contains("MiB in all"));
}

TEST_CASE("templating: a name is defined once; item and key shadow without overwriting", "[pipeline][templating]") {
  Scope s = scope_of("{lr: 1, item: outer}");
  std::string clash, first;
  CHECK_FALSE(s.add(YAML::Load("{lr: 2}"), "vars", clash, first));
  CHECK(clash == "lr");
  CHECK(first == "test");
  Scope inner = s;
  inner.set("item", YAML::Load("a"), "foreach");
  Failure f;
  CHECK(run("${item}", inner, false, f) == "a");
  CHECK(run("${item}", s, false, f) == "outer");
  CHECK(whole_reference("${lr}", s, f)->Scalar() == "1");
  CHECK_FALSE(whole_reference("x${lr}", s, f));
}
