// SPDX-License-Identifier: MIT
// mlops init: scaffold a project from a template.
#include "commands.hpp"
#include "old_spellings.hpp"
#include "prompt.hpp"

#include <mlops/scaffold.hpp>

#include <memory>

namespace mlops::cli {
namespace {

struct InitOptions {
  std::string dir = ".";
  std::string template_spec;  // "": the answers file's template, else ml-project
  std::string template_ref;
  std::vector<std::string> set;
  std::string answers_file;
  bool defaults = false;
  bool no_git = false;
  bool force = false;
  bool trust = false;
};

nlohmann::json value_json(const scaffold::Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return std::get<std::vector<std::string>>(v);
}

int run_init(const InitOptions& o, Context& ctx) {
  scaffold::check_target(o.dir, o.force);  // before any question is asked
  scaffold::AnswersFile file;
  if (!o.answers_file.empty()) file = scaffold::load_answers_file(o.answers_file);
  const bool use_recorded = o.template_spec.empty() && file.recorded.has_value();
  const scaffold::Template tpl = use_recorded ? scaffold::load_recorded_template(*file.recorded, o.template_ref)
                                              : scaffold::load_template(o.template_spec, o.template_ref);
  if (use_recorded) {
    const auto& origin = tpl.origin;
    ctx.out.status("Using the template recorded in " + o.answers_file + ": " + scaffold::printable(origin.location) +
                   (origin.ref.empty() ? "" : "@" + scaffold::printable(origin.ref)) +
                   (origin.commit.empty() ? "" : " (commit " + origin.commit.substr(0, 12) + ")"));
  }

  scaffold::AnswerSources sources;
  for (const auto& s : o.set) {
    auto [k, v] = scaffold::parse_assignment(s);
    sources.set[k] = {v};
  }
  sources.file = std::move(file.answers);
  sources.use_defaults = o.defaults;
  TerminalPrompter prompter(ctx.out);
  if (TerminalPrompter::available()) sources.prompter = &prompter;

  const scaffold::Builtins builtins = scaffold::make_builtins(o.dir);
  const scaffold::Answers answers = scaffold::resolve_answers(tpl, builtins, sources);

  scaffold::GenerateOptions gen;
  gen.target = o.dir;
  gen.force = o.force;
  gen.git = !o.no_git;
  gen.trust = o.trust;
  const scaffold::GenerateResult r = scaffold::generate(tpl, answers, builtins, gen);

  if (!r.hooks_skipped.empty()) {
    std::string list;
    for (const auto& h : r.hooks_skipped) list += "\n  " + h;
    ctx.out.warn("the template's hooks were not run (pass --trust to run them):" + list);
  }
  if (!r.hooks_changed.empty()) {
    std::string list;
    for (const auto& f : r.hooks_changed) list += "\n  " + scaffold::printable(f);
    ctx.out.warn("the post_generate hooks changed " + std::to_string(r.hooks_changed.size()) +
                 (r.hooks_changed.size() == 1 ? " file" : " files") + ", left uncommitted for you to review:" + list);
  }
  if (!r.left.empty()) {
    std::string list;
    for (const auto& f : r.left) list += "\n  " + scaffold::printable(f);
    ctx.out.warn("left " + std::to_string(r.left.size()) + (r.left.size() == 1 ? " file" : " files") +
                 " that the earlier answers produced and these no longer do (remove them if they are not wanted):" + list);
  }
  if (r.git_identity_fallback) {
    ctx.out.warn("no git identity configured; committed as " + r.git_author +
                 ". Set it with: git config --global user.name NAME; git config --global user.email EMAIL");
  }

  if (ctx.out.json()) {
    nlohmann::json j;
    j["target"] = r.target.string();
    j["template"] = {{"name", tpl.manifest.name},       {"version", tpl.manifest.version}, {"source", scaffold::to_string(tpl.origin.kind)},
                     {"location", tpl.origin.location}, {"ref", tpl.origin.ref},           {"commit", tpl.origin.commit}};
    nlohmann::json a = nlohmann::json::object();
    for (const auto& [name, value] : answers.values) {
      const bool secret = std::find(answers.secrets.begin(), answers.secrets.end(), name) != answers.secrets.end();
      if (!secret) a[name] = value_json(value);
    }
    j["answers"] = a;
    j["files"] = r.files;
    j["overwritten"] = r.overwritten;
    j["left"] = r.left;
    j["git"] = {{"mode", r.git_mode}, {"commit", r.git_commit}, {"hooks_commit", r.git_hooks_commit}, {"author", r.git_author}};
    j["hooks_changed"] = r.hooks_changed;
    j["hooks_skipped"] = r.hooks_skipped;
    j["message"] = r.message_after;
    ctx.out.print_json(j);
    return 0;
  }
  std::string text = "Created " + ctx.out.bold(r.target.string()) + " from " + tpl.manifest.name +
                     (tpl.manifest.version.empty() ? "" : " " + tpl.manifest.version) + " (" + std::to_string(r.files.size()) + " files";
  if (!r.overwritten.empty()) text += ", " + std::to_string(r.overwritten.size()) + " replaced";
  text += ")\n";
  if (!r.git_hooks_commit.empty()) {
    text += "Initialized a git repository; committed the template's files, then the post_generate hooks' changes: " +
            r.git_hooks_commit.substr(0, 12) + "\n";
  } else if (!r.git_commit.empty()) {
    text += (r.git_mode == "new" ? "Initialized a git repository; first commit " : "Committed to the enclosing repository: ") +
            r.git_commit.substr(0, 12) + "\n";
  } else if (r.git_unchanged) {
    text += "No commit: no changes to the files in the enclosing repository\n";
  }
  if (!r.message_after.empty() && !ctx.out.quiet()) text += "\n" + r.message_after + (r.message_after.back() == '\n' ? "" : "\n");
  ctx.out.message(text);  // what happened, not data: stderr, and nothing with -q
  return 0;
}

}  // namespace

void setup_init(CLI::App& cmd, Context& ctx) {
  auto o = std::make_shared<InitOptions>();
  cmd.add_option("DIR", o->dir, "Directory to create the project in (default: the current directory)");
  CLI::Option* tpl = cmd.add_option("--template", o->template_spec,
                                    "Built-in template NAME, a local directory, or a git URL with an optional @REF (default: the one "
                                    "--answers records, else ml-project)")
                         ->type_name("TEMPLATE");
  old_short(cmd, ctx, "-t", tpl);  // -t is --tag elsewhere
  cmd.add_option("--ref", o->template_ref, "Branch, tag or commit of a git template; unlike @REF it may contain '/'")->type_name("REF");
  CLI::Option* set = cmd.add_option("-S,--set", o->set, "Answer a question: KEY=VALUE; comma-separate multichoice values (repeatable)")
                         ->type_name("KEY=VALUE")
                         ->allow_extra_args(false);
  old_short(cmd, ctx, "-s", set);
  cmd.add_option("--answers", o->answers_file,
                 "Read answers from a YAML file (e.g. another project's .mlops/answers.yaml; its template, at its "
                 "commit, is used unless --template is given)")
      ->type_name("FILE");
  cmd.add_flag("-d,--defaults", o->defaults, "Accept every default without asking");
  cmd.add_flag("--no-git", o->no_git, "Do not create a git repository or commit");
  cmd.add_flag("-f,--force", o->force, "Write into a non-empty directory, replacing files the template produces");
  cmd.add_flag("--trust", o->trust, "Run the template's hooks (they are arbitrary programs)");
  cmd.footer(R"(
Questions are asked on a terminal; without one, defaults are used and any question
without a default must be answered with --set or --answers (all missing ones are listed).
The project is rendered beside DIR and moved into place only when complete.
Hooks run only with --trust (`mlops template show TEMPLATE` lists them): pre_generate
before any file is written, post_generate after the first commit (their changes are a
second commit). --answers FILE alone uses the template FILE records, at its commit.

Examples:
  mlops init churn-model                      # ask, then create ./churn-model
  mlops init demo --defaults                  # no questions: all defaults
  mlops init demo-torch -S framework=pytorch -S ci=github,gitlab
  mlops init demo-again --answers demo/.mlops/answers.yaml   # demo's template and answers
  mlops init svc --template ./my-template
  mlops init svc2 --template https://github.com/org/tpl.git@v2 --trust
  mlops init svc3 --template git@github.com:org/tpl.git --ref release/2.0
  mlops template show ml-project              # questions, defaults, hook commands)");
  cmd.callback([o, &ctx] { ctx.action = [o](Context& c) { return run_init(*o, c); }; });
}

}  // namespace mlops::cli
