// SPDX-License-Identifier: MIT
// mlops completion bash|zsh|fish
#include "commands.hpp"
#include "completion.hpp"

#include <memory>

namespace mlops::cli {

void setup_completion(CLI::App& cmd, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  cmd.add_option("SHELL", *shell, "bash, zsh or fish")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd.footer(R"(
Examples:
  mlops completion bash > ~/.local/share/bash-completion/completions/mlops
  mlops completion zsh > "${fpath[1]}/_mlops"
  mlops completion fish > ~/.config/fish/completions/mlops.fish)");
  cmd.callback([&ctx, shell] {
    ctx.action = [shell](Context& c) {
      // Generated from a fresh tree so the script never depends on this run's flags.
      Context scratch;
      CLI::App app{"", "mlops"};
      build_app(app, scratch);
      c.out.print(completion_script(app, *shell));
      return 0;
    };
  });
}

}  // namespace mlops::cli
