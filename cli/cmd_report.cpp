// SPDX-License-Identifier: MIT
// mlops report: params, metrics, curves, gates and packages of runs, for a pull request.
#include "commands.hpp"

#include <mlops/ci.hpp>
#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/package.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace mlops::cli {
namespace {

struct ReportOpts {
  ci::ReportOptions o;
  std::string output;
};

int run_report(ReportOpts& ro, Context& ctx) {
  if (ctx.out.json()) ro.o.format = "json";
  ro.o.store = package::default_store();
  const ci::ReportOutput res = ci::report(std::filesystem::current_path(), ro.o);
  if (ro.output.empty() || ro.output == "-") {
    ctx.out.print(res.text);
  } else {
    fs::write_output_file(ro.output, res.text);
    ctx.out.status("mlops: report written to " + ro.output);
  }
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary != nullptr && *summary != '\0') {
    const std::string fallback = "**mlops report**: left out, the step summary is capped at 1 MiB\n";
    if (const std::string w = ci::append_step_summary(summary, res.markdown, fallback); !w.empty()) ctx.out.warn(w);
  }
  return 0;
}

}  // namespace

void setup_report(CLI::App& cmd, Context& ctx) {
  auto ro = std::make_shared<ReportOpts>();
  cmd.add_option("RUN", ro->o.runs, "Runs to report (id, name or prefix; default: the newest run of HEAD's history)");
  cmd.add_option("--rev", ro->o.rev, "Report a revision: its committed metrics files, else its newest completed run")->type_name("REV");
  cmd.add_option("--against", ro->o.against, "Baseline of the deltas and gates: a run, or a revision")->type_name("REV|RUN");
  cmd.add_option("--format", ro->o.format, "md (GitHub Markdown, within 65,536 characters), html (one self-contained page) or json")
      ->check(CLI::IsMember({"md", "html", "json"}));
  cmd.add_option("-o,--output", ro->output, "Write the report to FILE (atomically) instead of stdout")->type_name("FILE");
  cmd.footer(
      "\nThe Markdown fits a pull request comment: rows that would pass GitHub's 65,536 characters are\n"
      "left out with a note, never half a table. The HTML page draws the step series as inline SVG\n"
      "and fetches nothing. With GITHUB_STEP_SUMMARY set, the Markdown is appended to that file.\n"
      "\nExamples:\n"
      "  mlops report\n"
      "  mlops report brave-otter calm-heron deeper --against calm-heron\n"
      "  mlops report deeper --format html -o report.html\n"
      "  mlops report --format json\n");
  cmd.callback([ro, &ctx] { ctx.action = [ro](Context& c) { return run_report(*ro, c); }; });
}

}  // namespace mlops::cli
