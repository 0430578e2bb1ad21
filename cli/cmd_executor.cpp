// SPDX-License-Identifier: MIT
// mlops executor test NAME: what an executor will do with a sweep (lib/exp/sweep_remote.cpp).
#include "commands.hpp"
#include "exit_codes.hpp"

#include <mlops/executor.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>

namespace mlops::cli {

namespace {
struct TestArgs {
  std::string name;
  bool no_job = false;
  int timeout = 60;
  std::string remote;
};
}  // namespace

void setup_executor(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(R"(
Executors: local (this machine, the default) and slurm (one array job per sweep); kubernetes
is documented, not implemented. 'mlops exp run --executor NAME' sends a sweep to one.

Examples:
  mlops executor test local)");
  auto a = std::make_shared<TestArgs>();
  auto* t = cmd.add_subcommand("test", "Check an executor: reachable, its limits, accounting, what a task sees");
  t->fallthrough();
  t->add_option("NAME", a->name, "local or slurm")->required();
  t->add_flag("--no-job", a->no_job, "Do not submit the tiny job that reports what a task sees");
  t->add_option("--timeout", a->timeout, "Seconds to wait for that job (default 60)")->type_name("SECONDS")->check(CLI::Range(1, 86400));
  t->add_option("--remote", a->remote,
                "The git remote (name or URL) of sweeps whose nodes do not share this repository: check that this machine and "
                "the job's node reach it instead of a writable repository (default: executors.NAME.remote in mlops.yaml, else "
                "in the user config)")
      ->type_name("REMOTE");
  t->footer(R"(
Exit 0 when every check passed, 1 when one did not (each says what to do), 5 when the
scheduler cannot be reached. Run it in the repository whose sweeps it will run: the tiny job
starts there, with the same --export allow-list, and reports the variables it sees, the mlops
it runs and whether it can write the repository. With --remote (or executors.NAME.remote) it
checks instead that the git remote is reachable, from here and from the job's node.

Examples:
  mlops executor test local
  mlops --json executor test local

On Slurm:
  mlops executor test slurm --timeout 300
  mlops executor test slurm --remote origin)");
  t->callback([a, &ctx] {
    ctx.action = [a](Context& c) {
      const exp::ExecutorReport r = exp::test_executor(std::filesystem::current_path(), a->name, !a->no_job, a->timeout, a->remote);
      if (c.out.json()) {
        nlohmann::json facts = nlohmann::json::array();
        for (const auto& f : r.facts) facts.push_back({{"name", f.name}, {"value", f.value}, {"ok", f.ok}, {"hint", f.hint}});
        c.out.print_json({{"schema", 1}, {"executor", r.executor}, {"reachable", r.reachable}, {"ok", r.ok}, {"facts", facts}});
      } else {
        std::string text;
        for (const auto& f : r.facts) {
          text += std::string(f.ok ? "ok    " : "FAIL  ") + f.name + ": " + escape_controls(f.value) + "\n";
          if (!f.hint.empty()) text += "      " + escape_controls(f.hint) + "\n";
        }
        c.out.print(text);
      }
      return r.ok ? k_exit_ok : r.reachable ? k_exit_negative : k_exit_remote;
    };
  });
  // Hidden: the probe job's check on a node (lib/exp/sweep_remote.cpp writes the command). It
  // needs no repository: the node may have none, nor a git CLI.
  auto url = std::make_shared<std::string>();
  auto* p = cmd.add_subcommand("__probe-remote", "");
  p->group("");
  p->add_option("URL", *url)->required();
  p->callback([url, &ctx] {
    ctx.action = [url](Context& c) {
      const std::string line = exp::probe_remote_line(*url);
      c.out.print(line + "\n");
      return line == "remote: reachable" ? k_exit_ok : k_exit_negative;
    };
  });
}

}  // namespace mlops::cli
