// SPDX-License-Identifier: MIT
#include "commands.hpp"

#include "exit_codes.hpp"
#include "help.hpp"

#include <mlops/version.hpp>

#include <array>

namespace mlops::cli {
namespace {

constexpr std::array k_commands = {
    Command{"init", "Create a new ML project from a template", k_needs_nothing, setup_init},
    Command{"template", "List and inspect project templates", k_needs_nothing, setup_template},
    Command{"update", "Bring a project to a newer version of its template (3-way merge)", k_needs_nothing, setup_update},
    Command{"exp", "Run, list, compare and share experiments recorded in git", k_needs_git_repo, setup_exp},
    Command{"params", "Compare parameters with a commit", k_needs_git_repo, setup_params},
    Command{"metrics", "Show metrics, or compare them with a commit", k_needs_git_repo, setup_metrics},
    Command{"check", "Check quality gates on a run (exit 1 when one fails), for CI", k_needs_git_repo, setup_check},
    Command{"report", "Report runs for a pull request: tables, curves, gates, packages (md, html, json)", k_needs_git_repo, setup_report},
    Command{"package", "Build, sign, verify and unpack model packages (OCI, CNCF ModelPack)", k_needs_nothing, setup_package},
    Command{"ci", "Write a CI workflow (GitHub Actions, GitLab CI) that gates, reports and delivers", k_needs_nothing, setup_ci},
    Command{"model", "Promote packages to aliases (prod, staging) with an audit trail in git", k_needs_git_repo, setup_model},
    Command{"key", "Generate signing keys for packages", k_needs_nothing, setup_key},
    Command{"push", "Send a package to a remote (OCI registry, S3, HTTP, directory)", k_needs_network, setup_push},
    Command{"pull", "Fetch a package from a remote into the store", k_needs_network, setup_pull},
    Command{"copy", "Copy a package from one remote to another", k_needs_network, setup_copy},
    Command{"remote", "Name the registries, buckets and directories packages go to", k_needs_nothing, setup_remote},
    Command{"repro", "Run the pipeline stages whose inputs changed (mlops.yaml stages, mlops.lock)", k_needs_project, setup_repro},
    Command{"status", "Show which pipeline stages are stale, and why", k_needs_project, setup_status},
    Command{"checkout", "Restore pipeline outputs from the store as mlops.lock records them", k_needs_project, setup_checkout},
    Command{"dag", "Show the pipeline's graph of stages (text, dot, mermaid)", k_needs_project, setup_dag},
    Command{"executor", "Check where sweeps run: a scheduler's limits, accounting, what a task sees", k_needs_nothing, setup_executor},
    Command{"data", "Version data outside git: PATH.mlops pointers to the store", k_needs_project, setup_data},
    Command{"cache", "Push, pull and collect the blobs and run cache behind pipelines and data", k_needs_project, setup_cache},
    Command{"drift", "Compare a reference and a current dataset for data drift (CSV)", k_needs_nothing, setup_drift},
    Command{"login", "Store credentials for a registry", k_needs_nothing, setup_login},
    Command{"logout", "Remove stored credentials for a registry", k_needs_nothing, setup_logout},
    Command{"completion", "Print a shell completion script (bash, zsh, fish)", k_needs_nothing, setup_completion},
    Command{"version", "Show version and build information", k_needs_nothing, setup_version},
    Command{"help", "Show the help of a command (mlops help exp list)", k_needs_nothing, setup_help},
    Command{"__complete", "Values for shell completion (hidden)", k_needs_nothing, setup_complete},
};

}  // namespace

std::span<const Command> commands() { return k_commands; }

void build_app(CLI::App& app, Context& ctx, std::string_view only) {
  app.description("mlops: scaffold ML projects, track experiments in git, package and ship models.");
  app.footer(std::string("\nExamples:\n"
                         "  mlops init churn-model                 # ask, then create ./churn-model\n"
                         "  mlops init demo --defaults             # no questions: all defaults\n"
                         "  mlops template list                    # what templates exist\n"
                         "\nRun 'mlops COMMAND --help' for a command's options and examples.\n\n") +
             exit_codes_help() +
             "\nEnvironment:\n"
             "  NO_COLOR             disable colour\n"
             "  MLOPS_TEMPLATES_DIR  extra templates (default $XDG_DATA_HOME/mlops/templates)\n"
             "  MLOPS_HOME           the package store (default `store` in the configuration, else\n"
             "                       $XDG_DATA_HOME/mlops/store)\n"
             "  MLOPS_JOBS           default for --jobs (else `jobs` in mlops.yaml or the user config)\n"
             "  MLOPS_REMOTE         the default remote (else `default_remote` in the configuration)\n"
             "  XDG_CONFIG_HOME      the user config: $XDG_CONFIG_HOME/mlops/config.yaml\n"
             "  MLOPS_FSYNC=1        fsync every package blob before it is visible (slower, durable)\n"
             "  SOURCE_DATE_EPOCH    creation time recorded by 'mlops package build'\n");
  app.formatter(std::make_shared<HelpFormatter>());  // before the subcommands: they copy it
  app.fallthrough();
  app.require_subcommand(0, 1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.set_version_flag("-V,--version", std::string("mlops ") + std::string(version()), "Print the version and exit");
  app.add_flag("--json", ctx.global.json, "Print results as JSON on stdout")->group(k_global_options);
  app.add_flag("-q,--quiet", ctx.global.quiet, "Print only results and errors")->group(k_global_options);
  app.add_flag("-v,--verbose", ctx.global.verbose, "More log output on stderr (-vv for debug)")->group(k_global_options);
  app.add_option("--color", ctx.global.color, "Colour: auto, always or never (NO_COLOR disables auto)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->group(k_global_options);
  app.add_option("-C", ctx.global.directory, "Run as if started in DIR")->type_name("DIR")->group(k_global_options);
  for (const auto& c : commands()) {
    CLI::App* sub = app.add_subcommand(std::string(c.name), std::string(c.summary));
    sub->fallthrough();
    if (c.name.starts_with("__")) sub->group("");  // internal: not in help, not completed
    if (only.empty() || c.name == only) c.setup(*sub, ctx);
  }
}

}  // namespace mlops::cli
