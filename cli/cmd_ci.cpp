// SPDX-License-Identifier: MIT
// mlops ci init: the CI workflow of a project (GitHub Actions or GitLab CI).
#include "commands.hpp"

#include <mlops/ci.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>

namespace mlops::cli {

void setup_ci(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer("\nExamples:\n  mlops ci init --provider github\n  mlops ci init --provider gitlab --schedule '0 3 * * 1'\n");
  auto o = std::make_shared<ci::WorkflowOptions>();
  CLI::App* s = cmd.add_subcommand("init", "Write a CI workflow: run, report, check the gates; package, sign and push on main");
  s->fallthrough();
  s->add_option("--provider", o->provider, "github (.github/workflows/mlops.yml) or gitlab (.gitlab-ci.yml)")
      ->check(CLI::IsMember({"github", "gitlab"}))
      ->required();
  s->add_option("--schedule", o->schedule, "Retrain on a schedule too (5-field cron, UTC), with a drift check")->type_name("CRON");
  s->add_option("--branch", o->branch, "Branch whose runs are packaged, signed and pushed (default main)")->type_name("BRANCH");
  s->add_option("--python", o->python, "Python version the jobs set up (default 3.11)")->type_name("VERSION");
  s->add_flag("-f,--force", o->force, "Replace an existing workflow file");
  s->footer(
      "\nPull requests run the experiment (mlops exp run, the train: command of mlops.yaml), report it\n"
      "against the target branch (job summary and a comment; GitLab: a merge request note) and check\n"
      "the gates (the job fails when one does). On the branch, the run is also packaged, signed with\n"
      "the key in the MLOPS_SIGNING_KEY secret and pushed to the default remote. The header of the\n"
      "file lists the CI variables it reads. Nothing is written when the file exists, unless --force.\n"
      "The file goes at the git repository's root; a project in a subdirectory (a monorepo) gets its\n"
      "steps run there. With --schedule, a project with pipeline stages retrains with mlops repro.\n"
      "\nExamples:\n"
      "  mlops ci init --provider github\n"
      "  mlops ci init --provider gitlab --schedule '0 3 * * 1'   # also retrain on Mondays 03:00 UTC\n"
      "  mlops ci init --provider github --branch master --force\n");
  s->callback([o, &ctx] {
    ctx.action = [o](Context& c) {
      const std::filesystem::path written = ci::init_workflow(std::filesystem::current_path(), *o);
      if (c.out.json()) c.out.print(nlohmann::json{{"path", written.string()}, {"provider", o->provider}}.dump() + "\n");
      else c.out.print(written.string() + "\n");
      c.out.status("mlops: wrote " + ci::workflow_path(o->provider) + " (commit it to enable it)");
      return 0;
    };
  });
}

}  // namespace mlops::cli
