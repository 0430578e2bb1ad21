// SPDX-License-Identifier: MIT
// mlops check: quality gates for CI. Exit 0 when every gate passes, 1 when one fails, 2 for a
// usage or gate configuration error; never 1 for an error.
#include "commands.hpp"
#include "exit_codes.hpp"

#include <mlops/ci.hpp>
#include <mlops/error.hpp>
#include <mlops/exp.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace mlops::cli {
namespace {

struct CheckOpts {
  ci::CheckOptions o;
  std::string format = "table";
};

// A run is named by letters, digits, '.', '_' and '-'; anything else (spaces, operators,
// tag:NAME) is the first expression.
bool reads_as_run(const std::string& arg) {
  return !arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == std::string::npos;
}

// A run name wrapped in whitespace or control characters ('good\r' pasted from a Windows file)
// would otherwise read as a bare-word expression: one that names a param holds on the newest
// run, which is then checked in place of the one meant.
// Returns the name inside, or "" when arg is not such a padded name.
std::string padded_run_name(const std::string& arg) {
  const auto pad = [](unsigned char c) { return c <= 0x20 || c == 0x7f; };
  std::size_t b = 0, e = arg.size();
  while (b < e && pad(static_cast<unsigned char>(arg[b]))) ++b;
  while (e > b && pad(static_cast<unsigned char>(arg[e - 1]))) --e;
  std::string name = arg.substr(b, e - b);
  return (b > 0 || e < arg.size()) && reads_as_run(name) ? name : std::string();
}

int run_check(CheckOpts& co, Context& ctx) {
  if (const std::string name = padded_run_name(co.o.run); !name.empty())
    throw Error(
        ErrorKind::usage,
        "'" + exp::printable(co.o.run) + "' is neither a run nor an expression (a run name has no whitespace or control characters)",
        "to check run '" + name + "': mlops check '" + name + "'");
  if (!co.o.run.empty() && !reads_as_run(co.o.run)) {
    co.o.expressions.insert(co.o.expressions.begin(), co.o.run);
    co.o.run.clear();
  }
  if (!co.o.run.empty() && !co.o.rev.empty())
    throw Error(ErrorKind::usage, "give a RUN or --rev REV, not both", "mlops check RUN, or mlops check --rev main");
  const ci::CheckResult res = ci::check(std::filesystem::current_path(), co.o);
  const std::string md = ci::to_markdown(res);
  const std::string format = ctx.out.json() ? "json" : co.format;
  if (format == "json") {
    ctx.out.print_json(ci::to_json(res));
  } else if (format == "md") {
    ctx.out.print(md);
  } else if (format == "junit") {
    ctx.out.print(ci::to_junit(res));
  } else {
    std::vector<std::vector<std::string>> rows{{"GATE", "VALUE", "BASELINE", "CHANGE", "CONDITION", "RESULT"}};
    for (const auto& g : res.gates) {
      const bool expr = g.kind == "expression";
      std::string result = g.status;
      if (!g.reason.empty()) result += ": " + g.reason;
      auto num = [](std::optional<double> x) { return x ? cell(*x) : std::string("-"); };
      std::string change;
      if (g.value && g.baseline) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%+.6g", *g.value - *g.baseline);
        change = buf;
      }
      rows.push_back({exp::printable(expr ? g.condition : g.field), num(g.value), num(g.baseline), change,
                      exp::printable(expr ? "expression" : g.condition), exp::printable(result)});
    }
    ctx.out.print(format_table(rows, ctx.out));
  }
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary != nullptr && *summary != '\0') {
    const std::string short_md = std::string(res.passed() ? "✅" : "❌") + " **mlops check: " + ci::summary_line(res) +
                                 "** (the table is left out: the step summary is capped at 1 MiB)\n";
    if (const std::string w = ci::append_step_summary(summary, md, short_md); !w.empty()) ctx.out.warn(w);
  }
  ctx.out.status("mlops: check: " + ci::summary_line(res));
  return res.passed() ? k_exit_ok : k_exit_negative;
}

}  // namespace

void setup_check(CLI::App& cmd, Context& ctx) {
  auto co = std::make_shared<CheckOpts>();
  cmd.add_option("RUN", co->o.run, "Run to check (id, name or prefix; default: the newest run of HEAD's history)");
  cmd.add_option("EXPR", co->o.expressions, "Gates in the 'exp list --filter' language, e.g. 'metrics.accuracy >= 0.9'");
  cmd.add_option("--rev", co->o.rev, "Check a revision: its committed metrics files, else its newest completed run")->type_name("REV");
  cmd.add_option("--against", co->o.against,
                 "Baseline for max_drop/max_rise gates: a run, or a revision (its metrics files, else its newest run)")
      ->type_name("REV|RUN");
  cmd.add_option("--format", co->format, "Output: table, md (GitHub Markdown), json or junit (JUnit XML)")
      ->check(CLI::IsMember({"table", "md", "json", "junit"}));
  cmd.footer(
      "\nGates come from the gates: section of mlops.yaml and from the EXPR arguments:\n"
      "  gates:\n"
      "    metrics.accuracy: {min: 0.9, max_drop: 0.01}   # max_drop/max_rise: absolute, vs --against\n"
      "    metrics.loss: {max: 0.3, max_rise_pct: 5}       # *_pct: relative, in percent\n"
      "With GITHUB_STEP_SUMMARY set, the Markdown is appended to that file (capped at 1 MiB).\n"
      "\nExit codes: 0 every gate passed; 1 a gate failed; 2 usage or gate configuration error\n"
      "(malformed gates:, unknown metric, no gate); 3 run, revision or baseline not found.\n"
      "\nExamples:\n"
      "  mlops check\n"
      "  mlops check brave-otter 'metrics.accuracy >= 0.5'\n"
      "  mlops check --against main --format md\n"
      "  mlops check calm-heron --format junit 'metrics.accuracy > 0'\n");
  cmd.callback([co, &ctx] { ctx.action = [co](Context& c) { return run_check(*co, c); }; });
}

}  // namespace mlops::cli
