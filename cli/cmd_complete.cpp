// SPDX-License-Identifier: MIT
// mlops __complete KIND [PREFIX]: the values shell completion offers (completions/ call it),
// one per line, "VALUE<TAB>DESCRIPTION". Hidden from help. Never fails: a Tab must not
// print errors, so any problem means no candidates.
#include "commands.hpp"

#include <mlops/config.hpp>
#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/package.hpp>
#include <mlops/scaffold.hpp>

#include <filesystem>
#include <memory>

namespace mlops::cli {
namespace {

struct CompleteOptions {
  std::string kind, prefix, store;
};

std::string candidates(const CompleteOptions& o) {
  std::string out;
  auto add = [&](const std::string& value, const std::string& about) {
    if (value.empty() || value.rfind(o.prefix, 0) != 0 || value.find_first_of("\t\n") != std::string::npos) return;
    out += value + (about.empty() ? "" : "\t" + about) + "\n";
  };
  if (o.kind == "runs") {
    // Names first; ids once a prefix is typed (a ULID starts with a digit, a name never),
    // and always for a run not listed since it finished (its name is not known here yet).
    const auto runs = exp::complete_runs(std::filesystem::current_path());
    for (const auto& r : runs) add(r.name, r.status + (r.started.empty() ? "" : " " + r.started.substr(0, 16)) + " " + r.id.substr(0, 10));
    for (const auto& r : runs) {
      if (!o.prefix.empty() || r.name.empty()) add(r.id, r.name.empty() ? "run" : r.name);
    }
  } else if (o.kind == "packages") {
    for (const auto& ref : package::complete_refs(o.store.empty() ? package::default_store() : std::filesystem::path(o.store)))
      add(ref, "");
  } else if (o.kind == "remotes") {
    // Configured names (a URL never holds a secret: `remote add` refuses one).
    for (const auto& r : config::load_settings(std::filesystem::current_path()).remotes) add(r.name, r.url);
  } else if (o.kind == "templates") {
    for (const auto& t : scaffold::list_templates()) add(t.name, t.summary);
  }
  return out;
}

}  // namespace

void setup_complete(CLI::App& cmd, Context& ctx) {
  auto o = std::make_shared<CompleteOptions>();
  cmd.add_option("KIND", o->kind, "runs, packages, remotes or templates")->required();
  cmd.add_option("PREFIX", o->prefix, "What is typed so far");
  cmd.add_option("--store", o->store, "Package store")->type_name("DIR");
  cmd.callback([o, &ctx] {
    ctx.action = [o](Context& c) {
      std::string text;
      try {
        text = candidates(*o);
      } catch (const std::exception&) {
        return 0;
      }
      c.out.print(text);
      return 0;
    };
  });
}

}  // namespace mlops::cli
