// SPDX-License-Identifier: MIT
// mlops version
#include "commands.hpp"

#include <mlops/version.hpp>

namespace mlops::cli {

void setup_version(CLI::App& cmd, Context& ctx) {
  cmd.footer(R"(
Examples:
  mlops version
  mlops version --json)");
  cmd.callback([&ctx] {
    ctx.action = [](Context& c) {
      const std::string v(version()), build(git_describe());
      if (c.out.json()) {
        c.out.print_json({{"version", v}, {"commit", build}});
      } else {
        c.out.print("mlops " + v + (build.empty() ? "" : " (" + build + ")") + "\n");
      }
      return 0;
    };
  });
}

}  // namespace mlops::cli
