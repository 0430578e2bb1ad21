// SPDX-License-Identifier: MIT
#include "app.hpp"

#include "commands.hpp"
#include "exit_codes.hpp"
#include "parse_errors.hpp"

#include <mlops/config.hpp>
#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/interrupt.hpp>
#include <mlops/log.hpp>
#include <mlops/version.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace mlops::cli {
namespace {

namespace stdfs = std::filesystem;

bool has_upward(const stdfs::path& start, const char* name) {
  std::error_code ec;
  for (stdfs::path p = stdfs::absolute(start, ec); !p.empty(); p = p.parent_path()) {
    if (stdfs::exists(p / name, ec)) return true;
    if (p == p.parent_path()) break;
  }
  return false;
}

// The table-driven setup every command gets before it runs (git's RUN_SETUP idea).
void prepare(const Command& cmd, Context& ctx) {
  if (ctx.no_repository) return;
  if ((cmd.needs & k_needs_git_repo) && !has_upward(".", ".git")) {
    // The same kind (and exit code) as a missing mlops.yaml: what the command works on is not here.
    throw Error(ErrorKind::usage, "not a git repository (or any parent directory)", "run it inside a git repository, or use -C DIR");
  }
  if ((cmd.needs & k_needs_git_repo) && !ctx.hot_path) {
    // A run killed while it had params overridden left a backup; put the files back first.
    for (const auto& note : exp::recover_workspace(std::filesystem::current_path())) ctx.out.warn("after an interrupted run: " + note);
  }
  if ((cmd.needs & k_needs_project) && !config::find_project_root(".")) {
    throw Error(ErrorKind::usage, "not an mlops project: no mlops.yaml here or above", "create one with 'mlops init', or use -C DIR");
  }
}

ColorMode color_mode(const std::string& s) {
  if (s == "always") return ColorMode::always;
  if (s == "never") return ColorMode::never;
  return ColorMode::auto_;
}

std::string version_line() { return std::string("mlops ") + std::string(version()); }

int parse_error(Context& ctx, CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  // --help and --version are "errors" to CLI11 that print and succeed.
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
  const UsageProblem p = describe_parse_error(e, app, std::vector<std::string>(argv + 1, argv + argc));
  ctx.out.error(p.message, p.hint);
  return k_exit_usage;
}

// The command argv names, found by skipping the global options the way build_app declares
// them; empty (build every command) when anything else comes first, and for the commands
// that walk the whole tree.
std::string_view selected_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--json" || a == "-q" || a == "--quiet" || a == "--verbose" || a.starts_with("--color=")) continue;
    if (a.size() >= 2 && a[0] == '-' && a.find_first_not_of('v', 1) == std::string_view::npos) continue;  // -v, -vv
    if (a == "--color" || a == "-C") {
      ++i;
      continue;
    }
    if (a.starts_with("-C") && a.size() > 2) continue;
    if (a == "help" || a.starts_with("__")) return {};
    for (const auto& c : commands()) {
      if (c.name == a) return c.name;
    }
    return {};
  }
  return {};
}

int dispatch(int argc, char** argv, Output& errors) {
  Context ctx;
  CLI::App app{"", "mlops"};
  build_app(app, ctx, selected_command(argc, argv));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    ctx.out.configure(false, false, color_mode(ctx.global.color));
    return parse_error(ctx, app, e, argc, argv);
  }

  ctx.out.configure(ctx.global.json, ctx.global.quiet, color_mode(ctx.global.color));
  errors.configure(false, false, color_mode(ctx.global.color));  // errors thrown from here on honour --color
  const auto level = ctx.global.verbose >= 2   ? log::Level::debug
                     : ctx.global.verbose == 1 ? log::Level::info
                     : ctx.global.quiet        ? log::Level::error
                                               : log::Level::warn;
  log::configure(level, ctx.out.stderr_color());
  if (ctx.global.verbose > 0) {
    for (const auto& note : ctx.notes) ctx.out.warn(note);  // old spellings: scripts stay quiet
  }

  if (!ctx.global.directory.empty() && ::chdir(ctx.global.directory.c_str()) != 0) {
    throw_errno("cannot change to directory " + ctx.global.directory);
  }
  if (!ctx.action) {
    std::cerr << app.help();
    ctx.out.error("no command given", "run 'mlops init DIR' to start a project, or 'mlops --help'");
    return k_exit_usage;
  }
  for (const auto& c : commands()) {
    if (app.got_subcommand(std::string(c.name))) prepare(c, ctx);
  }
  const int code = ctx.action(ctx);
  ctx.out.finish();
  return code;
}

}  // namespace

namespace {

// When `sig` came ignored (a Slurm task's batch script ignores USR2 before it execs mlops),
// blocks it: Linux keeps a blocked signal pending even while it is ignored, so a warning that
// comes before the task's install_time_limit_handler (which unblocks it) is taken then, not
// lost. Left alone otherwise: a plain `kill -USR2` of mlops still ends it.
void hold_if_ignored(int sig) noexcept {
  struct sigaction now {};
  if (::sigaction(sig, nullptr, &now) != 0 || now.sa_handler != SIG_IGN) return;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

int run(int argc, char** argv) {
  // Before anything else: a time-limit warning to a Slurm task that is still starting stays
  // pending until the task's handler takes it (docs/architecture.md, "Executors").
  hold_if_ignored(SIGUSR2);
  if (std::getenv("MLOPS_TEST_USR2_AT_START") != nullptr) std::raise(SIGUSR2);  // tests: the warning while starting
  // A closed pipe must surface as EPIPE from write(), not kill us mid-way.
  std::signal(SIGPIPE, SIG_IGN);
  install_interrupt_handlers();
  if (argc == 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-V") == 0)) {
    // The most common probe of a tool, answered without building the command tree.
    const std::string line = version_line() + "\n";
    return std::fwrite(line.data(), 1, line.size(), stdout) == line.size() && std::fflush(stdout) == 0 ? k_exit_ok : k_exit_io;
  }
  Output fallback;
  fallback.configure(false, false, ColorMode::auto_);
  try {
    return dispatch(argc, argv, fallback);
  } catch (const BrokenPipe&) {
    return k_exit_ok;  // the reader went away: not an error (as `rg | head` does)
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::interrupted) fallback.error(e.what(), e.hint());
    return exit_code_for(e.kind());
  } catch (const std::exception& e) {
    fallback.error(std::string("internal error: ") + e.what(), "this is a bug; please report it with the command you ran");
    return k_exit_internal;
  } catch (...) {
    fallback.error("internal error", "this is a bug; please report it with the command you ran");
    return k_exit_internal;
  }
}

}  // namespace mlops::cli
