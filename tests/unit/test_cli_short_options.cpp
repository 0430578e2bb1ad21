// SPDX-License-Identifier: MIT
// One meaning per short option across the whole command tree (docs/architecture.md, "Short
// options"): -f is --force wherever it exists, never --filter somewhere else.
#include "commands.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace mlops::cli;

namespace {

// What an option means: its long name (or, without one, its positional name).
std::string meaning(const CLI::Option& o) {
  if (!o.get_lnames().empty()) return "--" + o.get_lnames().front();
  return o.get_name();
}

void walk(const CLI::App& app, const std::string& path, std::map<std::string, std::set<std::string>>& meanings,
          std::map<std::string, std::set<std::string>>& where) {
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden: an old spelling kept for scripts
    for (const auto& s : o->get_snames()) {
      meanings["-" + s].insert(meaning(*o));
      where["-" + s].insert(path + " " + meaning(*o));
    }
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    walk(*sub, path + " " + sub->get_name(), meanings, where);
  }
}

}  // namespace

TEST_CASE("every short option has one meaning in the whole command tree", "[cli]") {
  Context ctx;
  CLI::App app{"", "mlops"};
  build_app(app, ctx);
  std::map<std::string, std::set<std::string>> meanings, where;
  walk(app, "mlops", meanings, where);
  REQUIRE(meanings.count("-h") == 1);  // the walk sees the tree
  for (const auto& [name, set] : meanings) {
    std::string places;
    for (const auto& w : where[name]) places += "\n  " + w;
    INFO(name << " means " << set.size() << " things:" << places);
    // The one exception, in docs/architecture.md: login -u is docker login's --username.
    if (name == "-u") {
      CHECK(set == std::set<std::string>{"--include-untracked", "--username"});
      CHECK(where[name] == std::set<std::string>{"mlops exp run --include-untracked", "mlops login --username"});
      continue;
    }
    CHECK(set.size() == 1);
  }
  // The scheme in docs/architecture.md.
  CHECK(meanings["-f"] == std::set<std::string>{"--force"});
  CHECK(meanings["-t"] == std::set<std::string>{"--tag"});
  CHECK(meanings["-S"] == std::set<std::string>{"--set"});
  CHECK(meanings.count("-s") == 0);
  CHECK(meanings["-V"] == std::set<std::string>{"--version"});
}
