// SPDX-License-Identifier: MIT
// mlops template list|show
#include "commands.hpp"

#include <mlops/scaffold.hpp>

#include <memory>

namespace mlops::cli {
namespace {

int run_list(Context& ctx) {
  const auto all = scaffold::list_templates();
  if (ctx.out.json()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& t : all) {
      // Described as `template show --json` does: source builtin|path, location name or directory.
      const bool builtin = t.location == "builtin";
      j.push_back({{"name", t.name},
                   {"version", t.version},
                   {"summary", t.summary},
                   {"source", builtin ? "builtin" : "path"},
                   {"location", builtin ? t.name : t.location}});
    }
    ctx.out.print_json(j);
    return 0;
  }
  if (ctx.out.quiet()) {  // names only, for scripts and shell completion
    std::string names;
    for (const auto& t : all) names += t.name + "\n";
    ctx.out.print(names);
    return 0;
  }
  std::vector<std::vector<std::string>> rows{{"NAME", "VERSION", "SOURCE", "SUMMARY"}};
  for (const auto& t : all) rows.push_back({t.name, t.version, t.location, t.summary});
  ctx.out.print(format_table(rows, ctx.out));
  return 0;
}

std::string default_text(const scaffold::Question& q) {
  if (!q.has_default) return "";
  std::string s;
  for (const auto& d : q.default_values) s += (s.empty() ? "" : ",") + d;
  return s;
}

nlohmann::json hook_argvs(const std::vector<scaffold::Hook>& hooks) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : hooks) out.push_back(h.argv);
  return out;
}

// One "- command" item per hook; a multi-line script continues indented under its dash.
// Control characters are escaped so that none can hide or disguise a command.
std::string hook_list(const std::string& title, const std::vector<scaffold::Hook>& hooks) {
  if (hooks.empty()) return "";
  std::string out = "  " + title + ":\n";
  for (const auto& h : hooks) {
    std::string command = scaffold::describe(h);
    while (!command.empty() && command.back() == '\n') command.pop_back();
    std::string shown = scaffold::printable(command, true);
    std::string indented = "    - ";
    for (char c : shown) indented += c == '\n' ? std::string("\n      ") : std::string(1, c);
    out += indented + "\n";
  }
  return out;
}

int run_show(const std::string& spec, const std::string& ref, Context& ctx) {
  const scaffold::Template t = scaffold::load_template(spec, ref);
  const auto& m = t.manifest;
  if (ctx.out.json()) {
    nlohmann::json qs = nlohmann::json::array();
    for (const auto& q : m.questions) {
      nlohmann::json jq{{"name", q.name},     {"type", scaffold::to_string(q.type)},
                        {"prompt", q.prompt}, {"help", q.help},
                        {"secret", q.secret}, {"when", q.when}};
      if (q.has_default)
        jq["default"] =
            q.type == scaffold::QuestionType::multichoice ? nlohmann::json(q.default_values) : nlohmann::json(q.default_values.at(0));
      if (!q.choices.empty()) {
        jq["choices"] = nlohmann::json::array();
        for (const auto& c : q.choices) jq["choices"].push_back({{"value", c.value}, {"label", c.label}});
      }
      if (!q.regex.empty()) jq["regex"] = q.regex;
      if (q.min) jq["min"] = *q.min;
      if (q.max) jq["max"] = *q.max;
      qs.push_back(jq);
    }
    size_t files = 0;
    for (const auto& f : t.files) files += f.path.rfind(m.files_dir + "/", 0) == 0 ? 1 : 0;
    ctx.out.print_json({{"name", m.name},
                        {"version", m.version},
                        {"summary", m.summary},
                        {"description", m.description},
                        {"source", scaffold::to_string(t.origin.kind)},
                        {"location", t.origin.location},
                        {"commit", t.origin.commit},
                        {"delimiters", {m.open_delimiter, m.close_delimiter}},
                        {"files", files},
                        {"questions", qs},
                        {"hooks", {{"pre_generate", hook_argvs(m.pre_generate)}, {"post_generate", hook_argvs(m.post_generate)}}}});
    return 0;
  }
  std::string text = ctx.out.bold(m.name) + (m.version.empty() ? "" : " " + m.version) + "  " + ctx.out.dim(t.origin.location) + "\n";
  if (!m.summary.empty()) text += m.summary + "\n";
  if (!m.description.empty()) text += "\n" + m.description + (m.description.back() == '\n' ? "" : "\n");
  text += "\nQuestions:\n";
  std::vector<std::vector<std::string>> rows{{"NAME", "TYPE", "DEFAULT", "CHOICES / RULE", "ASKED WHEN"}};
  for (const auto& q : m.questions) {
    std::string rule;
    for (const auto& c : q.choices) rule += (rule.empty() ? "" : "|") + c.value;
    if (!q.regex.empty()) rule = q.regex;
    if (q.min || q.max) rule = (q.min ? std::to_string(*q.min) : "") + ".." + (q.max ? std::to_string(*q.max) : "");
    rows.push_back(
        {q.name + (q.secret ? " (secret)" : ""), scaffold::to_string(q.type), default_text(q), rule, q.when.empty() ? "always" : q.when});
  }
  text += format_table(rows, ctx.out);
  if (!m.pre_generate.empty() || !m.post_generate.empty()) {
    text += "\nHooks: commands `mlops init --trust` runs (arbitrary programs; read them first):\n";
    text += hook_list("pre_generate (before the files are written)", m.pre_generate);
    text += hook_list("post_generate (after the first commit)", m.post_generate);
  }
  ctx.out.print(text);
  return 0;
}

}  // namespace

void setup_template(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(R"(
Examples:
  mlops template list
  mlops template list -q                 # names only
  mlops template show ml-project --json)");

  auto* list = cmd.add_subcommand("list", "List built-in templates and those in $MLOPS_TEMPLATES_DIR");
  list->fallthrough();
  list->alias("ls");
  list->footer(R"(
Examples:
  mlops template list
  mlops template list --json | jq -r '.[].name')");
  list->callback([&ctx] { ctx.action = [](Context& c) { return run_list(c); }; });

  auto* show = cmd.add_subcommand("show", "Show a template's questions, defaults and hooks");
  show->fallthrough();
  auto spec = std::make_shared<std::string>();
  auto ref = std::make_shared<std::string>();
  show->add_option("TEMPLATE", *spec, "Template name, directory or git URL[@REF]")->required();
  show->add_option("--ref", *ref, "Branch, tag or commit of a git template; unlike @REF it may contain '/'")->type_name("REF");
  show->footer(R"(
Examples:
  mlops template show ml-project
  mlops template show ./my-template --json
  mlops template show https://github.com/org/tpl.git --ref release/2.0)");
  show->callback([&ctx, spec, ref] { ctx.action = [spec, ref](Context& c) { return run_show(*spec, *ref, c); }; });
}

}  // namespace mlops::cli
