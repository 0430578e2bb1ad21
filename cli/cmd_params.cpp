// SPDX-License-Identifier: MIT
// mlops params diff, mlops metrics show|diff: the declared files in the workspace against a
// commit, the way CI compares a branch with main.
#include "commands.hpp"
#include "exp_format.hpp"

#include <mlops/exp.hpp>

#include <filesystem>
#include <memory>

namespace mlops::cli {

void setup_params(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  auto rev = std::make_shared<std::string>();
  auto md = std::make_shared<bool>(false);
  CLI::App* s = cmd.add_subcommand("diff", "Params in the workspace against HEAD or REV");
  s->fallthrough();
  s->add_option("REV", *rev, "Commit to compare with (default HEAD)");
  s->add_flag("--md", *md, "Print a Markdown table");
  s->footer("\nExamples:\n  mlops params diff\n  mlops params diff main --md");
  s->callback([rev, md, &ctx] {
    ctx.action = [rev, md](Context& c) {
      print_diff(exp::diff_workspace_values(std::filesystem::current_path(), *rev, true, false), c, *md, false);
      return 0;
    };
  });
  cmd.footer("\nExamples:\n  mlops params diff\n  mlops params diff main --md");
}

void setup_metrics(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer("\nExamples:\n  mlops metrics show\n  mlops metrics diff main --md");
  {
    auto md = std::make_shared<bool>(false);
    CLI::App* s = cmd.add_subcommand("show", "Metrics in the workspace's metrics files");
    s->fallthrough();
    s->add_flag("--md", *md, "Print a Markdown table");
    s->footer("\nExamples:\n  mlops metrics show\n  mlops metrics show --json");
    s->callback([md, &ctx] {
      ctx.action = [md](Context& c) {
        const nlohmann::json m = exp::show_workspace_metrics(std::filesystem::current_path());
        if (c.out.json()) {
          c.out.print_json({{"schema", 1}, {"files", m}});
          return 0;
        }
        std::vector<std::vector<std::string>> rows{{"FILE", "METRIC", "VALUE"}};
        for (const auto& [file, values] : m.items()) {
          for (const auto& [k, v] : values.items()) rows.push_back({exp::printable(file), exp::printable(k), exp::printable(cell(v))});
        }
        c.out.print(*md ? format_markdown(rows) : format_table(rows, c.out));
        return 0;
      };
    });
  }
  {
    auto rev = std::make_shared<std::string>();
    auto md = std::make_shared<bool>(false);
    CLI::App* s = cmd.add_subcommand("diff", "Metrics in the workspace against HEAD or REV");
    s->fallthrough();
    s->add_option("REV", *rev, "Commit to compare with (default HEAD)");
    s->add_flag("--md", *md, "Print a Markdown table");
    s->footer("\nExamples:\n  mlops metrics diff\n  mlops metrics diff main --md");
    s->callback([rev, md, &ctx] {
      ctx.action = [rev, md](Context& c) {
        print_diff(exp::diff_workspace_values(std::filesystem::current_path(), *rev, false, true), c, *md, false);
        return 0;
      };
    });
  }
}

}  // namespace mlops::cli
