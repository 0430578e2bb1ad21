// SPDX-License-Identifier: MIT
// mlops repro, status, dag: run the pipeline's stale stages, say which are stale and why,
// draw the graph. The work is in lib/pipeline.
#include "commands.hpp"
#include "exit_codes.hpp"

#include <mlops/config.hpp>
#include <mlops/data.hpp>
#include <mlops/error.hpp>
#include <mlops/log.hpp>
#include <mlops/pipeline.hpp>
#include <mlops/remote.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>

namespace mlops::cli {
namespace {

struct ReproArgs {
  std::vector<std::string> stages;
  int jobs = 0;
  bool dry = false, force = false, keep_going = false, no_run_cache = false, downstream = false, single_item = false, pull = false;
  std::string executor;
  bool wait = false;
};

// repro --pull: what the lock and the pointers name comes from the default remote first (what
// it lacks is left to the stages), missing outputs and data are put in place, and a stage that
// must run asks the remote's run cache first (with --executor: before it is submitted).
void pull_before_repro(const config::Settings& settings, pipeline::ReproOptions& o, Context& c) {
  if (settings.default_remote.empty())
    throw Error(ErrorKind::usage, "repro --pull needs a default remote",
                "'mlops remote add NAME URL --default' (file://, s3://, http(s)://, oci://)");
  // The default remote with its settings from mlops.yaml (endpoint, region, CA file), as cache pull.
  const remote::NamedRemote n = remote::find_named_remote(settings.project, "", {});
  const std::string url = n.url;
  pipeline::CacheOptions co;
  static_cast<remote::TransferOptions&>(co) = n.options;
  co.jobs = 16;
  co.missing_ok = true;
  const auto r = pipeline::cache_fetch(settings.project, settings.store, url, co);
  c.out.status("fetched " + std::to_string(r.blobs_fetched) + " blob(s) from " + settings.default_remote +
               (r.missing.empty() ? std::string() : "; " + std::to_string(r.missing.size()) + " it lacks are left to the stages"));
  // Data first: stages may depend on it.
  try {
    pipeline::data_checkout(settings.project, settings.store, false, settings.default_remote);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::not_found && e.kind() != ErrorKind::conflict) throw;
  }
  try {
    pipeline::checkout(settings.project, {}, settings.store, false);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::not_found && e.kind() != ErrorKind::conflict) throw;
  }
  o.fetch_run = [store = settings.store, url, co](const std::string& key) {
    try {
      return pipeline::fetch_run(store, url, key, co);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::interrupted) throw;
      log::write(log::Level::warn, std::string("the remote's run cache was not read: ") + e.what());
      return false;
    }
  };
}

int run_repro(const ReproArgs& a, Context& c) {
  const config::Settings settings = config::load_settings(std::filesystem::current_path());
  pipeline::ReproOptions o;
  o.targets = a.stages;
  o.jobs = a.jobs > 0 ? static_cast<unsigned>(a.jobs) : settings.jobs ? static_cast<unsigned>(*settings.jobs) : 0;
  o.dry = a.dry;
  o.force = a.force;
  o.keep_going = a.keep_going;
  o.no_run_cache = a.no_run_cache;
  o.downstream = a.downstream;
  o.single_item = a.single_item;
  o.store = settings.store;
  o.executor = a.executor;
  o.wait = a.wait;
  const bool scheduler = !a.executor.empty() && a.executor != "local";
  if (a.wait && !scheduler) throw Error(ErrorKind::usage, "--wait goes with --executor", "mlops repro --executor slurm --wait");
  if (a.pull && !a.dry) pull_before_repro(settings, o, c);
  std::mutex m;  // stages print from worker threads: one line at a time
  o.on_line = [&](const std::string& stage, const std::string& line, bool err) {
    const std::lock_guard g(m);
    const std::string text = "[" + stage + "] " + escape_controls(line) + "\n";
    if (err) c.out.message(text);
    else c.out.message(text);  // the commands' output is not our result: stderr, like make's
  };
  o.on_event = [&](const std::string& stage, const std::string& what, const std::string& detail) {
    const std::lock_guard g(m);
    if (what == "failed") {
      c.out.warn("stage '" + stage + "' failed: " + escape_controls(detail));
    } else if (what == "waiting") {
      c.out.status(detail);
    } else {
      c.out.status(what + " " + stage + (detail.empty() ? "" : ": " + escape_controls(detail)));
    }
  };
  const pipeline::ReproResult r = pipeline::repro(settings.project, o);
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& [stage, job] : r.jobs) jobs.push_back({{"stage", stage}, {"job", job}});
  if (!a.dry && (!r.ran.empty() || !r.restored.empty())) pipeline::pin_lock(settings.project, settings.store);  // a gc root
  if (c.out.json()) {
    c.out.print_json({{"ran", r.ran},
                      {"restored", r.restored},
                      {"skipped", r.skipped},
                      {"failed", r.failed},
                      {"not_run", r.not_run},
                      {"dry_run", a.dry},
                      {"files_hashed", r.files_hashed},
                      {"jobs", jobs}});
  } else {
    for (const auto& [stage, job] : r.jobs) c.out.print(stage + " " + job + "\n");
  }
  if (!r.failed.empty()) {
    std::string names;
    for (const auto& n : r.failed) names += (names.empty() ? "" : ", ") + n;
    c.out.error("stage failed: " + names,
                r.not_run.empty() ? "" : std::to_string(r.not_run.size()) + " stage(s) after it did not run; --keep-going runs the others");
    return k_exit_negative;
  }
  if (scheduler && !a.wait && !r.jobs.empty() && !c.out.json())
    c.out.status("mlops: " + std::to_string(r.jobs.size()) + " stage(s) submitted to " + a.executor +
                 "; 'mlops status' shows what is still stale");
  if (r.ran.empty() && r.restored.empty() && r.jobs.empty() && !c.out.json()) c.out.status("pipeline is up to date");
  return k_exit_ok;
}

int run_status(const std::vector<std::string>& stages, bool why, Context& c) {
  const config::Settings settings = config::load_settings(std::filesystem::current_path());
  std::size_t hashed = 0;
  const auto states = pipeline::status(settings.project, stages, &hashed);
  if (c.out.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : states) {
      const char* state = s.running ? "running" : s.stale ? "stale" : s.frozen ? "frozen" : "up to date";
      arr.push_back(
          {{"stage", s.name}, {"state", state}, {"stale", s.stale}, {"running", s.running}, {"frozen", s.frozen}, {"reason", s.reason}});
    }
    c.out.print_json({{"stages", arr}, {"files_hashed", hashed}});
    return k_exit_ok;
  }
  std::string text;
  bool any = false;
  for (const auto& s : states) {
    if (!s.stale) continue;
    any = true;
    text += s.name + (why ? ": " + escape_controls(s.reason) : std::string(s.running ? ": running" : ": stale")) + "\n";
  }
  c.out.print(text);
  if (!any) c.out.status("pipeline is up to date");
  return k_exit_ok;
}

}  // namespace

void setup_repro(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<ReproArgs>();
  cmd.add_option("stages", a->stages, "Stages to bring up to date, with what they depend on (default: all)")->type_name("STAGE");
  cmd.add_option("-j,--jobs", a->jobs, "Stages run at once (default: jobs in the configuration, else one per core)")
      ->type_name("N")
      ->check(CLI::Range(1, 1024));
  cmd.add_flag("--dry", a->dry, "Say what would run and why; run and write nothing");
  cmd.add_flag("-f,--force", a->force, "Run the stages even when they are up to date");
  cmd.add_flag("--keep-going", a->keep_going, "After a stage fails, still run the stages that do not depend on it");
  auto* down = cmd.add_flag("--downstream", a->downstream, "Run the given stages and the stages that depend on them, not their upstream");
  cmd.add_flag("--single-item", a->single_item, "Run only the given stages, not what they depend on")->excludes(down);
  cmd.add_flag("--pull", a->pull,
               "First fetch what mlops.lock and the data pointers name from the default remote, and ask its run cache before running "
               "(or submitting) a stage");
  cmd.add_flag("--no-run-cache", a->no_run_cache,
               "Run commands even when an earlier run with the same inputs left its outputs in the store");
  cmd.add_option("--executor", a->executor,
                 "Where stages run: local (default), slurm (one job per stage that must run and is not in the run cache, after its "
                 "upstream's jobs; detached)")
      ->type_name("NAME");
  cmd.add_flag("--wait", a->wait, "With --executor slurm: wait for the jobs, then report which stages ran (mlops.lock says)");
  cmd.footer(
      "\nExamples:\n"
      "  mlops repro                 # run every stage whose command, deps, params or outputs changed\n"
      "  mlops repro -j 2 --dry      # what would run, two stages at a time, and why\n"
      "  mlops repro --keep-going    # after a failure, still run what does not depend on it\n"
      "  mlops repro --downstream prepare --dry   # what prepare and the stages after it would do\n"

      "\nOn Slurm (one job per stage that must run, after its upstream's jobs; prints STAGE JOB lines\n"
      "and returns unless --wait; `resources:` of a stage over executors.slurm in mlops.yaml). A stage\n"
      "the run cache holds (with --pull: the default remote's too) is restored here, not submitted:\n"
      "  mlops repro --executor slurm --wait\n"
      "  mlops repro --executor slurm --dry   # which stages would be restored, which submitted\n"
      "\nStages are the `stages:` of mlops.yaml; mlops.lock records what each last ran with.\n"
      "Exit 1 when a stage's command fails.\n");
  cmd.callback([a, &ctx] { ctx.action = [a](Context& c) { return run_repro(*a, c); }; });
}

void setup_status(CLI::App& cmd, Context& ctx) {
  auto stages = std::make_shared<std::vector<std::string>>();
  auto why = std::make_shared<bool>(false);
  cmd.add_option("stages", *stages, "Stages to check, with their upstream (default: all)")->type_name("STAGE");
  cmd.add_flag("--why", *why, "Give the first reason each stale stage must run");
  cmd.footer(
      "\nExamples:\n"
      "  mlops status                # the stages 'mlops repro' would run\n"
      "  mlops status --why          # and why\n"
      "  mlops --json status         # every stage, stale or not, as JSON\n"
      "\nA stage is up to date, stale (with --why: the first reason it must run), frozen, or\n"
      "running (an 'mlops repro' runs it now). One whose last run was killed is stale: its last\n"
      "run did not finish. --json gives each stage's state, stale, running, frozen and reason.\n");
  cmd.callback([stages, why, &ctx] { ctx.action = [stages, why](Context& c) { return run_status(*stages, *why, c); }; });
}

void setup_checkout(CLI::App& cmd, Context& ctx) {
  auto stages = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  cmd.add_option("stages", *stages, "Stages whose outputs to restore, with their upstream (default: all)")->type_name("STAGE");
  cmd.add_flag("-f,--force", *force, "Overwrite outputs whose changes are in no store");
  cmd.footer(
      "\nExamples:\n"
      "  mlops checkout              # outputs back as mlops.lock records them, from the store\n"
      "\nOutputs that already match are left alone; exit 3 (nothing changed) when the store lacks one,\n"
      "exit 6 (nothing changed) when one was edited and its present content is in no store.\n");
  cmd.callback([stages, force, &ctx] {
    ctx.action = [stages, force](Context& c) {
      const config::Settings settings = config::load_settings(std::filesystem::current_path());
      pipeline::DataCheckoutResult d;  // the data of the PATH.mlops pointers first: stages may depend on it
      if (stages->empty()) d = pipeline::data_checkout(settings.project, settings.store, *force, settings.default_remote);
      auto r = pipeline::checkout(settings.project, *stages, settings.store, *force);
      r.restored.insert(r.restored.end(), d.restored.begin(), d.restored.end());
      r.unchanged.insert(r.unchanged.end(), d.unchanged.begin(), d.unchanged.end());
      if (c.out.json()) {
        c.out.print_json({{"restored", r.restored}, {"unchanged", r.unchanged}});
      } else {
        for (const auto& path : r.restored) c.out.print("restored " + escape_controls(path) + "\n");
        if (r.restored.empty()) c.out.status("every output matches mlops.lock");
      }
      return static_cast<int>(k_exit_ok);
    };
  });
}

void setup_dag(CLI::App& cmd, Context& ctx) {
  auto dot = std::make_shared<bool>(false), mermaid = std::make_shared<bool>(false);
  auto* d = cmd.add_flag("--dot", *dot, "Graphviz dot");
  cmd.add_flag("--mermaid", *mermaid, "A Mermaid flowchart")->excludes(d);
  cmd.footer(
      "\nExamples:\n"
      "  mlops dag                   # each stage with the stages it needs\n"
      "  mlops dag --dot > dag.gv    # for Graphviz: dot -Tsvg dag.gv\n"
      "  mlops dag --mermaid\n");
  cmd.callback([dot, mermaid, &ctx] {
    ctx.action = [dot, mermaid](Context& c) {
      const config::Settings settings = config::load_settings(std::filesystem::current_path());
      c.out.print(pipeline::dag(settings.project, *dot       ? pipeline::DagFormat::dot
                                                  : *mermaid ? pipeline::DagFormat::mermaid
                                                             : pipeline::DagFormat::text));
      return static_cast<int>(k_exit_ok);
    };
  });
}

}  // namespace mlops::cli
