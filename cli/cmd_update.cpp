// SPDX-License-Identifier: MIT
// mlops update: bring a generated project to a newer template version (3-way merge), check
// for one, abort a conflicted update, or adopt a template for a project without answers.
#include "commands.hpp"
#include "exit_codes.hpp"
#include "prompt.hpp"

#include <mlops/scaffold.hpp>

#include <memory>

namespace mlops::cli {
namespace {

struct UpdateCliOptions {
  std::string dir = ".";
  std::string to;
  std::vector<std::string> set;
  std::string conflict = "inline";
  std::string template_spec;
  bool defaults = false;
  bool dry_run = false;
  bool trust = false;
  bool check = false;
  bool abort = false;
  bool adopt = false;
};

nlohmann::json update_answer_json(const scaffold::Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return std::get<std::vector<std::string>>(v);
}

nlohmann::json update_answers_json(const scaffold::Answers& answers) {
  nlohmann::json a = nlohmann::json::object();
  for (const auto& [name, value] : answers.values) {
    if (std::find(answers.secrets.begin(), answers.secrets.end(), name) == answers.secrets.end()) a[name] = update_answer_json(value);
  }
  return a;
}

nlohmann::json update_version_json(const scaffold::TemplateVersion& v) {
  return {{"version", v.version}, {"ref", v.ref}, {"commit", v.commit}};
}

std::string describe_version(const scaffold::TemplateVersion& v) {
  std::string s = v.version.empty() ? v.ref : v.version;
  if (!v.ref.empty() && v.ref != s && v.ref != "v" + s) s += " (" + v.ref + ")";
  if (!v.commit.empty()) s += (s.empty() ? "commit " : ", commit ") + v.commit.substr(0, 12);
  return scaffold::printable(s.empty() ? "unversioned" : s);
}

std::map<std::string, std::vector<std::string>> update_parse_set(const std::vector<std::string>& set) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& s : set) {
    auto [k, v] = scaffold::parse_assignment(s);
    out[k] = {v};
  }
  return out;
}

int run_check(const UpdateCliOptions& o, Context& ctx) {
  const scaffold::UpdateCheck c = scaffold::check_update(o.dir);
  if (ctx.out.json()) {
    ctx.out.print_json({{"name", c.name},
                        {"source", scaffold::to_string(c.source)},
                        {"location", c.location},
                        {"current", update_version_json(c.current)},
                        {"latest", update_version_json(c.latest)},
                        {"update_available", c.newer}});
  } else {
    ctx.out.print(c.newer ? scaffold::printable(c.name) + ": " + describe_version(c.current) + " -> " + describe_version(c.latest) +
                                " available\n"
                          : scaffold::printable(c.name) + ": " + describe_version(c.current) + " is the latest\n");
  }
  return c.newer ? k_exit_negative : k_exit_ok;
}

int run_abort(const UpdateCliOptions& o, Context& ctx) {
  const auto restored = scaffold::abort_update(o.dir);
  if (ctx.out.json()) {
    ctx.out.print_json({{"restored", restored}});
  } else {
    ctx.out.status("Update aborted: " + std::to_string(restored.size()) + (restored.size() == 1 ? " file" : " files") +
                   ", the index and HEAD are as they were");
  }
  return 0;
}

int run_adopt(const UpdateCliOptions& o, Context& ctx, scaffold::Prompter* prompter) {
  scaffold::AdoptOptions a;
  a.project = o.dir;
  a.template_spec = o.template_spec;
  a.to = o.to;
  a.set = update_parse_set(o.set);
  a.use_defaults = o.defaults;
  a.prompter = prompter;
  const scaffold::AdoptResult r = scaffold::adopt_template(a);
  const auto& origin = r.tpl.origin;
  if (ctx.out.json()) {
    ctx.out.print_json({{"template",
                         {{"name", r.tpl.manifest.name},
                          {"version", r.tpl.manifest.version},
                          {"source", scaffold::to_string(origin.kind)},
                          {"location", origin.location},
                          {"ref", origin.ref},
                          {"commit", origin.commit}}},
                        {"answers", update_answers_json(r.answers)},
                        {"commit", r.commit}});
  } else {
    ctx.out.status("Recorded " + r.tpl.manifest.name + " " + r.tpl.manifest.version + " in " + std::string(scaffold::k_answers_file) +
                   (r.commit.empty() ? "" : " (commit " + r.commit.substr(0, 12) + ")") + "; no other file changed");
  }
  return 0;
}

int run_update(const UpdateCliOptions& o, Context& ctx) {
  TerminalPrompter terminal(ctx.out);
  scaffold::Prompter* prompter = TerminalPrompter::available() ? &terminal : nullptr;
  if (o.check) return run_check(o, ctx);
  if (o.abort) return run_abort(o, ctx);
  if (o.adopt) return run_adopt(o, ctx, prompter);
  if (!o.template_spec.empty()) {
    throw Error(ErrorKind::usage, "--template goes with --adopt", "an update uses the template .mlops/answers.yaml records");
  }
  scaffold::UpdateOptions u;
  u.project = o.dir;
  u.to = o.to;
  u.set = update_parse_set(o.set);
  u.use_defaults = o.defaults;
  u.prompter = prompter;
  u.conflict = o.conflict == "rej" ? scaffold::ConflictStyle::rej : scaffold::ConflictStyle::inline_markers;
  u.dry_run = o.dry_run;
  u.trust = o.trust;
  const scaffold::UpdateResult r = scaffold::update_project(u);

  if (!r.hooks_skipped.empty()) {
    std::string list;
    for (const auto& h : r.hooks_skipped) list += "\n  " + h;
    ctx.out.warn("the template's hooks were not run (pass --trust to run them):" + list);
  }
  if (ctx.out.json()) {
    nlohmann::json renamed = nlohmann::json::array();
    for (const auto& [from, to] : r.renamed) renamed.push_back({{"from", from}, {"to", to}});
    ctx.out.print_json({{"project", r.project.string()},
                        {"template", {{"name", r.name}, {"source", scaffold::to_string(r.source)}, {"location", r.location}}},
                        {"from", update_version_json(r.from)},
                        {"to", update_version_json(r.to)},
                        {"up_to_date", r.up_to_date},
                        {"dry_run", o.dry_run},
                        {"updated", r.updated},
                        {"added", r.added},
                        {"removed", r.removed},
                        {"renamed", renamed},
                        {"conflicts", r.conflicts},
                        {"rejects", r.rejects},
                        {"unreachable", r.unreachable},
                        {"kept_deleted", r.kept_deleted},
                        {"kept_changed", r.kept_changed},
                        {"new_questions", r.new_questions},
                        {"answers", update_answers_json(r.answers)},
                        {"commit", r.commit},
                        {"hooks_skipped", r.hooks_skipped}});
    return r.conflicts.empty() || o.dry_run ? 0 : k_exit_conflict;
  }
  const std::string what = scaffold::printable(r.name) + " " + describe_version(r.from) + " -> " + describe_version(r.to);
  if (r.up_to_date) {
    ctx.out.message("Already up to date: " + what + "\n");
    return 0;
  }
  std::string text;
  auto list = [&](const char* mark, const std::vector<std::string>& paths, const char* note = "") {
    for (const auto& p : paths) text += std::string("  ") + mark + " " + scaffold::printable(p) + note + "\n";
  };
  list("M", r.updated);
  list("A", r.added);
  list("D", r.removed);
  for (const auto& [from, to] : r.renamed) text += "  R " + scaffold::printable(from) + " -> " + scaffold::printable(to) + "\n";
  for (const auto& c : r.conflicts) {
    const bool skipped = std::find(r.unreachable.begin(), r.unreachable.end(), c) != r.unreachable.end();
    text +=
        "  C " + scaffold::printable(c) +
        (skipped ? "  (conflict: behind a symlink or a directory of yours; the template's version was not written)\n" : "  (conflict)\n");
  }
  list("=", r.kept_deleted, "  (you deleted it: stays deleted)");
  list("=", r.kept_changed, "  (the template removed it; you changed it: kept)");
  if (o.dry_run) {
    // A template is hostile: on a terminal its escape sequences are shown, not obeyed. Piped,
    // the diff stays byte-exact so that `git apply` takes it.
    ctx.out.print(ctx.out.stdout_tty() ? scaffold::printable(r.diff, true) : r.diff);
    ctx.out.message("Dry run: " + what + "; nothing was changed\n" + text);
    return 0;
  }
  if (r.conflicts.empty()) {
    ctx.out.message("Updated " + what + ": commit " + r.commit.substr(0, 12) + "\n" + text);
    return 0;
  }
  text += "\n" + std::to_string(r.conflicts.size()) + (r.conflicts.size() == 1 ? " file has" : " files have") + " conflicts" +
          (o.conflict == "rej" ? " (the template's change is in FILE.rej beside each)" : " (marked <<<<<<< yours / >>>>>>> template)") +
          "; the rest is staged.\nResolve them, then: git add -A && git commit -m 'Update from template " + describe_version(r.to) +
          "'\nTo put everything back as it was: mlops update --abort\n";
  ctx.out.message("Update " + what + " stopped on conflicts:\n" + text);
  return k_exit_conflict;
}

}  // namespace

void setup_update(CLI::App& cmd, Context& ctx) {
  auto o = std::make_shared<UpdateCliOptions>();
  cmd.add_option("DIR", o->dir, "The project (default: the current directory)");
  cmd.add_option("--to", o->to, "Tag, branch or commit (a built-in template: a version) to update to (default: the latest version)")
      ->type_name("REF");
  cmd.add_option("-S,--set", o->set, "Answer a question (a new one, or change an answer): KEY=VALUE (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd.add_flag("-d,--defaults", o->defaults, "Answer new questions with their defaults without asking");
  cmd.add_option("--conflict", o->conflict, "How conflicts are left: inline markers, or FILE.rej beside the file")
      ->check(CLI::IsMember({"inline", "rej"}));
  cmd.add_flag("--dry-run", o->dry_run, "Print what would change (a unified diff on stdout) and change nothing");
  cmd.add_flag("--trust", o->trust, "Run the template's hooks when rendering the two versions");
  cmd.add_flag("--check", o->check, "Only check: exit 1 when a newer version exists, 0 when current");
  cmd.add_flag("--abort", o->abort, "Put the tree, index and HEAD back as before an update that stopped on conflicts");
  cmd.add_flag("--adopt", o->adopt, "Record --template (and its answers) as the one this project follows, changing no other file");
  cmd.add_option("--template", o->template_spec, "With --adopt: built-in NAME, a local directory, or a git URL with an optional @REF")
      ->type_name("TEMPLATE");
  cmd.footer(R"(
The project's .mlops/answers.yaml names the template and the version it was made from.
That version (with the recorded answers) and the new one (with them, new questions asked
on a terminal, else from --set or their defaults) are rendered into a temporary directory
and every file is merged with the project as it is: your edits stay, the template's
changes come in, files you deleted stay deleted, files the template removed go only if
you never changed them, renames follow git's rename detection. The tree must be clean.
Without conflicts the result is one commit; with them, nothing is committed: the rest is
staged, and `mlops update --abort` puts the tree, index and HEAD back exactly.
A project mlops did not make (or without its answers file) adopts a template first:
`mlops update --adopt --template SRC [--to REF]` records it, changing no other file.

Exit status: 0 updated (or already current); 6 stopped on conflicts (or uncommitted
changes); with --check: 0 current, 1 a newer version exists, 2 or more an error.

Examples:
  mlops update --check                     # exit 1 when a newer version exists
  mlops update --dry-run                   # what would change, as a diff
  mlops update                             # to the latest version: one commit
  mlops update --to 1.0.0 -S description="Churn model"   # a given version, a new answer
  mlops update --json                      # back to the latest, the result as JSON)");
  cmd.callback([o, &ctx] {
    const int modes = int(o->check) + int(o->abort) + int(o->adopt);
    if (modes > 1) throw CLI::ValidationError("--check, --abort and --adopt", "choose one of them");
    ctx.action = [o](Context& c) { return run_update(*o, c); };
  });
}

}  // namespace mlops::cli
