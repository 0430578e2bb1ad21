// SPDX-License-Identifier: MIT
// mlops help [COMMAND [SUBCOMMAND]]
#include "help.hpp"

#include "commands.hpp"
#include "parse_errors.hpp"

#include <mlops/error.hpp>

#include <memory>

namespace mlops::cli {

std::string HelpFormatter::make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const {
  // CLI11 separates sections by one to three blank lines depending on which are empty
  // (hidden options make an empty group); one everywhere reads better.
  const std::string text = CLI::Formatter::make_help(app, std::move(name), mode);
  std::string out;
  size_t newlines = 0;
  for (const char c : text) {
    newlines = c == '\n' ? newlines + 1 : 0;
    if (newlines <= 2) out += c;
  }
  return out;
}

std::string HelpFormatter::make_footer(const CLI::App* app) const {
  std::string globals;
  if (app->get_parent() != nullptr) {
    const CLI::App* root = app;
    while (root->get_parent() != nullptr) root = root->get_parent();
    const auto opts = root->get_options([](const CLI::Option* o) { return o->get_group() == k_global_options; });
    if (!opts.empty()) globals = make_group(k_global_options, false, opts);
  }
  return globals + CLI::Formatter::make_footer(app);
}

std::string help_text(const CLI::App& app) {
  // Not app.help(): that would show the help of whichever subcommand was parsed (`help`).
  return app.get_formatter()->make_help(&app, command_path(app), CLI::AppFormatMode::Normal);
}

void setup_help(CLI::App& cmd, Context& ctx) {
  auto words = std::make_shared<std::vector<std::string>>();
  cmd.add_option("COMMAND", *words, "A command, and a subcommand of it");
  cmd.footer(R"(
Examples:
  mlops help exp             # the same as: mlops exp --help
  mlops help exp list)");
  cmd.callback([&cmd, &ctx, words] {
    ctx.action = [&cmd, words](Context& c) {
      const CLI::App* node = cmd.get_parent();
      for (const auto& w : *words) {
        const CLI::App* next = nullptr;
        for (const CLI::App* s : node->get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
          if (s->check_name(w)) next = s;
        }
        if (next == nullptr) {
          const UsageProblem p = unknown_command(*node, w);
          throw Error(ErrorKind::usage, p.message, p.hint);
        }
        node = next;
      }
      c.out.print(help_text(*node));
      return 0;
    };
  });
}

}  // namespace mlops::cli
