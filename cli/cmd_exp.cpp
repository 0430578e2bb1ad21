// SPDX-License-Identifier: MIT
// mlops exp: run, log, list, show, diff, rm, tag, apply, branch, push, pull, gc.
#include "commands.hpp"
#include "exp_format.hpp"
#include "old_spellings.hpp"
#include "suggest.hpp"

#include <mlops/config.hpp>
#include <mlops/error.hpp>
#include <mlops/exp.hpp>
#include <mlops/pipeline.hpp>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <memory>

namespace mlops::cli {
namespace {

namespace stdfs = std::filesystem;

// A word as a POSIX shell reads it back, for a command line shown in a hint.
std::string shell_word(const std::string& w) {
  if (!w.empty() && w.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./=:,+@%") == std::string::npos)
    return w;
  std::string out = "'";
  for (const char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct RunOpts {
  exp::RunOptions o;
  std::string resume;
  bool pull = false;                             // the pipeline form only: mlops repro --pull
  std::map<std::string, std::string> resources;  // --cpus ... --qos, as given
};

// A sweep's points as text (one line each) or JSON.
nlohmann::json sweep_json(const exp::SweepStatus& st) {
  nlohmann::json pts = nlohmann::json::array();
  for (const auto& p : st.points) {
    pts.push_back({{"index", p.index},
                   {"run", p.run},
                   {"name", p.name},
                   {"state", p.state},
                   {"job", p.job},
                   {"exit_code", p.exit_code ? nlohmann::json(*p.exit_code) : nlohmann::json()},
                   {"final", p.final},
                   {"reason", p.reason.empty() ? nlohmann::json() : nlohmann::json(p.reason)}});
  }
  return {{"schema", 1}, {"sweep", st.id}, {"executor", st.executor}, {"finished", st.finished}, {"ok", st.ok}, {"points", pts}};
}

int print_sweep(const exp::SweepStatus& st, Context& ctx) {
  if (ctx.out.json()) {
    ctx.out.print_json(sweep_json(st));
  } else {
    std::string text;
    for (const auto& p : st.points) {
      text += std::to_string(p.index) + "\t" + p.run + "\t" + exp::printable(p.name) + "\t" + p.state +
              (p.exit_code ? " (exit " + std::to_string(*p.exit_code) + ")" : "") + "\t" + p.job +
              (p.reason.empty() ? "" : "\t" + p.reason) + "\n";
    }
    ctx.out.print(text);
  }
  // 0: all completed; 1: finished with a failure; 4 is not used: a sweep still going is 0 for status.
  return st.finished && !st.ok ? 1 : 0;
}

// No command: the project's pipeline (`mlops repro`, by this very binary), when it has one.
void default_to_pipeline(exp::RunOptions& o, bool pull) {
  const auto project = config::find_project_root(stdfs::current_path());
  if (project && !pipeline::stage_names(*project).empty()) {
    std::error_code ec;
    const stdfs::path self = stdfs::read_symlink("/proc/self/exe", ec);
    o.argv = {ec ? std::string("mlops") : self.string(), "repro"};
    if (pull) {
      // Refused before the run starts, so a missing remote records no failed run.
      if (config::load_settings(stdfs::current_path()).default_remote.empty())
        throw Error(ErrorKind::usage, "exp run --pull needs a default remote",
                    "'mlops remote add NAME URL --default' (file://, s3://, http(s)://, oci://)");
      o.argv.emplace_back("--pull");
    }
    // A stage restored from the run cache or up to date leaves its metrics file older than
    // the run; mlops.lock says which content the pipeline stands for (exp cannot ask lib/pipeline
    // itself: it sits below it).
    o.vouched_metrics = [](const stdfs::path& dir) { return pipeline::recorded_metrics(dir); };
    return;
  }
  throw Error(ErrorKind::usage, "'mlops exp run' needs COMMAND: The command and its arguments, after --",
              "without one it runs the pipeline (mlops repro), but mlops.yaml has no stages; see 'mlops exp run --help'");
}

int run_run(RunOpts& ro, Context& ctx) {
  ro.o.resources = ro.resources;
  // A command's own fetching is its business; --pull belongs to the pipeline form, whose
  // metrics mlops.lock vouches for (a command run keeps the stale-metrics rule).
  if (ro.pull && (!ro.o.argv.empty() || !ro.resume.empty())) {
    throw Error(ErrorKind::usage, "--pull is for the pipeline form of 'mlops exp run' (no command)",
                "without a command the run is 'mlops repro --pull'; a command fetches what it needs itself");
  }
  if (ro.o.argv.empty() && ro.resume.empty()) default_to_pipeline(ro.o, ro.pull);
  if (!ro.resume.empty()) {
    if (!ro.o.argv.empty() || !ro.o.sets.empty()) {
      throw Error(ErrorKind::usage, "--resume takes the command and -S values from the sweep", "mlops exp run --resume SWEEP");
    }
    const size_t n = exp::sweep_resume(stdfs::current_path(), ro.resume, ro.o);
    ctx.out.status("mlops: " + std::to_string(n) + " points of sweep " + ro.resume + " submitted again");
    if (ctx.out.json()) ctx.out.print_json({{"schema", 1}, {"sweep", ro.resume}, {"resubmitted", n}});
    if (!ro.o.wait) return 0;
    return print_sweep(exp::sweep_wait(stdfs::current_path(), ro.resume, {}), ctx);
  }
  exp::RunEvents ev;
  const bool json = ctx.out.json();
  if (json) {
    // stdout carries the JSON document; the command's own stdout goes to stderr.
    ev.output = [](const exp::Run&, int, std::string_view bytes) { (void)!::write(STDERR_FILENO, bytes.data(), bytes.size()); };
  }
  // Warnings known at the start (a params file that does not parse) are shown then, before a
  // long command runs, and not again at the end.
  std::map<std::string, size_t> shown;
  ev.started = [&ctx, &shown](const exp::Run& r) {
    ctx.out.status("mlops: run " + r.name + " (" + r.id + ") started" + (r.dirty ? " on a modified workspace" : ""));
    for (const auto& w : r.warnings) ctx.out.warn(r.name + ": " + w);
    shown[r.id] = r.warnings.size();
  };
  ev.finished = [&ctx](const exp::Run& r) { ctx.out.status("mlops: " + run_summary(r)); };
  ev.note = [&ctx](const exp::Run& r, const std::string& note) { ctx.out.status("mlops: " + r.name + ": " + note); };
  const exp::RunResult res = exp::run(stdfs::current_path(), ro.o, ev);
  if (!res.sweep.empty()) {
    // Detached: the points run on the scheduler; this prints the sweep id and returns.
    ctx.out.status("mlops: sweep " + res.sweep + " submitted to " + ro.o.executor + "; follow it with 'mlops exp status " + res.sweep +
                   "'");
    if (!ro.o.wait) {
      if (json) ctx.out.print_json({{"schema", 1}, {"sweep", res.sweep}, {"executor", ro.o.executor}});
      else ctx.out.print(res.sweep + "\n");
      return 0;
    }
    return print_sweep(exp::sweep_wait(stdfs::current_path(), res.sweep, {}), ctx);
  }
  if (json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : res.runs) arr.push_back(exp::to_json(r));
    ctx.out.print_json(arr);
  }
  for (const auto& r : res.runs) {
    for (size_t i = shown.count(r.id) != 0 ? shown[r.id] : 0; i < r.warnings.size(); ++i) ctx.out.warn(r.name + ": " + r.warnings[i]);
  }
  return res.exit_code;
}

struct LogOpts {
  std::vector<std::string> values, params, artifacts, importances;
  std::string step;
};

// A metric value as training code prints it: a decimal number, or nan / inf / -inf /
// Infinity (any case), which are recorded as such. A number a double cannot hold (1e400,
// 1e-400) is refused rather than recorded as infinity or zero.
double metric_value(const std::string& key, const std::string& text) {
  std::string_view v = text;
  if (v.size() > 1 && v[0] == '+' && v[1] != '-') v.remove_prefix(1);
  double x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (v.empty() || end != v.data() + v.size() || ec == std::errc::invalid_argument) {
    throw Error(ErrorKind::usage, "metric '" + key + "' needs a number, got '" + text + "'",
                "for example: mlops exp log loss=0.31 acc=0.9 --step 3");
  }
  if (ec == std::errc::result_out_of_range) {
    throw Error(ErrorKind::usage, "metric '" + key + "' = " + text + " is outside the range of a 64-bit float",
                "log inf or 0 if that is what you mean");
  }
  return x;
}

int run_log(LogOpts& lo) {
  exp::LogEntry e;
  for (const auto& kv : lo.values) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(ErrorKind::usage, "expected KEY=NUMBER, got '" + kv + "'", "for example: mlops exp log loss=0.31 acc=0.9 --step 3");
    e.metrics[kv.substr(0, eq)] = metric_value(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (!lo.step.empty()) {
    std::int64_t step = 0;
    const auto [end, ec] = std::from_chars(lo.step.data(), lo.step.data() + lo.step.size(), step);
    if (ec == std::errc::result_out_of_range)
      throw Error(ErrorKind::usage, "--step " + lo.step + " is outside the range of a 64-bit integer");
    if (ec != std::errc() || end != lo.step.data() + lo.step.size())
      throw Error(ErrorKind::usage, "--step needs a whole number, got '" + lo.step + "'");
    e.step = step;
  }
  for (const auto& kv : lo.params) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw Error(ErrorKind::usage, "expected --param KEY=VALUE, got '" + kv + "'");
    e.params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& kv : lo.importances) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(ErrorKind::usage, "expected --importance FEATURE=NUMBER, got '" + kv + "'", "for example: --importance age=0.31");
    e.importances[kv.substr(0, eq)] = metric_value(kv.substr(0, eq), kv.substr(eq + 1));
  }
  e.artifacts = lo.artifacts;
  if (e.metrics.empty() && e.params.empty() && e.artifacts.empty() && e.importances.empty()) {
    throw Error(ErrorKind::usage, "nothing to log",
                "give KEY=VALUE metrics, --param KEY=VALUE, --importance FEATURE=NUMBER or --artifact PATH");
  }
  exp::log(e);
  return 0;
}

struct ListOpts {
  exp::ListOptions o;
  std::string columns;
  bool csv = false, md = false;
};

// Why the list is empty: no run at all, none in HEAD's history, or none the filter kept.
std::string no_runs_listed(const exp::Listing& l, const exp::ListOptions& o) {
  if (l.total == 0) return "no runs yet: record one with 'mlops exp run -- COMMAND'";
  if (l.in_scope == 0) return "no runs based on HEAD's recent history (--all shows every run)";
  std::string s = "no run matches the filter (" + std::to_string(l.in_scope) + " checked)";
  if (!o.all && l.total > l.in_scope)
    s += "; --all also checks the " + std::to_string(l.total - l.in_scope) + " outside HEAD's recent history";
  return s;
}

int run_list(ListOpts& lo, Context& ctx) {
  lo.o.columns = split_columns(lo.columns);
  if (ctx.out.json() && lo.o.columns.empty()) {
    ctx.out.print(exp::list_json(stdfs::current_path(), lo.o));
    ctx.out.print("\n");
    return 0;
  }
  const exp::Listing listing = exp::list_runs(stdfs::current_path(), lo.o);
  const auto& runs = listing.runs;
  const auto cols = listing.columns.empty() ? list_columns(runs, "") : listing.columns;
  if (ctx.out.json()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : runs) {
      nlohmann::json row = {{"schema", 1}};
      for (const auto& c : cols) {
        const auto v = exp::field(r, c);
        row[c] = v ? *v : nlohmann::json(nullptr);
      }
      arr.push_back(row);
    }
    ctx.out.print_json(arr);
    return 0;
  }
  const auto rows = list_rows(runs, cols);
  if (lo.csv) ctx.out.print(format_csv(rows));
  else if (lo.md) ctx.out.print(format_markdown(rows));
  else if (runs.empty()) ctx.out.status(no_runs_listed(listing, lo.o));
  else ctx.out.print(format_table(rows, ctx.out));
  return 0;
}

int run_show(const std::string& spec, Context& ctx) {
  const exp::Run r = exp::show(stdfs::current_path(), spec);
  if (ctx.out.json()) {
    ctx.out.print_json(exp::to_json(r));
    return 0;
  }
  ctx.out.print(show_text(r, ctx.out, exp::log_tail(stdfs::current_path(), r, 1, 2000), exp::log_tail(stdfs::current_path(), r, 2, 2000)));
  return 0;
}

int run_diff(const std::vector<std::string>& runs, bool md, Context& ctx) {
  if (runs.empty() || runs.size() > 2) throw Error(ErrorKind::usage, "exp diff takes one run (against the workspace) or two");
  const exp::RunDiff d = exp::diff(stdfs::current_path(), runs[0], runs.size() > 1 ? runs[1] : "");
  print_diff(d, ctx, md, true);
  return 0;
}

}  // namespace

void setup_exp(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  cmd.footer(R"(
Runs are commits under refs/mlops/exps/<ULID>; your HEAD, index and branches are never touched.

Examples:
  mlops exp run -- python3 src/demo/train.py
  mlops exp run -S model.n_estimators=50,100 -S seed=1,2 --jobs 2 -- make train
  mlops exp list --filter 'metrics.accuracy > 0.9' --sort -metrics.accuracy
  mlops exp diff brave-otter calm-heron
  mlops exp push origin)");
  auto sub = [&](const char* name, const char* help) {
    CLI::App* s = cmd.add_subcommand(name, help);
    s->fallthrough();
    return s;
  };

  {
    auto ro = std::make_shared<RunOpts>();
    CLI::App* s = sub("run", "Run a command and record it: params, metrics, logs, code snapshot");
    s->add_option("-n,--name", ro->o.name, "Name of the run (default: generated, e.g. brave-otter)");
    s->add_option("-S,--set", ro->o.sets, "Override a parameter: [FILE:]KEY=VALUE; VALUE,VALUE... sweeps a grid")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);  // one value per -S: a vector option would otherwise eat the `--`
    s->add_option("-j,--jobs", ro->o.jobs, "Sweep points run at once (default: MLOPS_JOBS or `jobs` in the configuration, else 1)")
        ->check(CLI::Range(1, 256));
    s->add_flag("--isolated", ro->o.isolated, "Run in a temporary worktree instead of the workspace");
    s->add_flag("-u,--include-untracked", ro->o.include_untracked, "Also snapshot untracked, non-ignored files");
    s->add_flag("--new-keys", ro->o.new_keys, "Allow -S to add parameters the params file does not have");
    s->add_option("-t,--tag", ro->o.tags, "Tag the run (repeatable)")->allow_extra_args(false);
    s->add_option("-m,--message", ro->o.note, "A note to keep with the run");
    s->add_option("COMMAND", ro->o.argv, "The command and its arguments, after --");
    s->add_flag("--pull", ro->pull, "No command: stage outputs and run cache from the default remote first (mlops repro --pull)");
    s->add_option("--executor", ro->o.executor, "Where the points run: local (default), slurm (one array job; detached)")
        ->type_name("NAME");
    s->add_flag("--wait", ro->o.wait, "With --executor slurm: wait until every point has finished");
    s->add_option("--remote", ro->o.remote,
                  "With --executor slurm: the git remote (name or URL) tasks fetch the sweep from and push their runs to, for nodes "
                  "that do not share this repository (default: executors.NAME.remote in mlops.yaml, else in your config.yaml)")
        ->type_name("REMOTE");
    s->add_option("--resume", ro->resume, "Submit again the points of SWEEP that have no final run")->type_name("SWEEP");
    for (const char* res : {"cpus", "mem", "gpus", "time", "partition", "account", "qos"}) {
      s->add_option(std::string("--") + res, ro->resources[res],
                    std::string("Scheduler resource '") + res + "' (over executors.NAME in mlops.yaml and your config.yaml)")
          ->type_name("VALUE");
    }
    s->footer(R"(
The exit code is the command's (128+N when signal N killed it, 127 when it cannot be
started; for a sweep, the first failing point's); mlops's own errors print "mlops: error:".
The command goes after `--`: without it, a command with options is refused. With no
command, the pipeline runs (`mlops repro`: the stages of mlops.yaml); sweep points share the
run cache, so a stage a point does not change is restored, not run again; with --pull the
default remote's run cache too (what CI runs on a fresh clone). The metrics of stages that
were up to date or restored are the run's when mlops.lock records their content.
Params come from the files in mlops.yaml's `params:` (default params.yaml), metrics from
`metrics:` (default metrics.json) when the run writes them, and from `mlops exp log` calls
during the run. A single run happens in the workspace; -S values are written into the
params file for the run and the original is put back afterwards. A comma list in -S (or
--isolated) runs each point in its own temporary worktree.

Examples:
  mlops exp run -- python3 src/demo/train.py
  mlops exp run -n baseline -t baseline -- make train
  mlops exp run -S model.n_estimators=50 -- make train
  mlops exp run -S model.max_depth=5,10 -S seed=1,2 --jobs 2 -- make train
  mlops exp run -S model.n_estimators=50,100 --jobs 2   # the pipeline (mlops repro) per point

On Slurm (one array job; prints the sweep id and returns unless --wait):
  mlops exp run --executor slurm -S lr=0.1,0.01 -S bs=16,32 --jobs 50 --time 2:00:00 -- make train
  mlops exp run --executor slurm --remote origin -S lr=0.1,0.01 -- make train   # nodes without this filesystem
  mlops exp run --resume SWEEP)");
    // Everything from the first word of the command on is the command's, and a `--` before
    // it is seen (allow_extras keeps it): options after a command given without `--` are
    // refused, never taken as ours or dropped.
    s->positionals_at_end();
    s->allow_extras();
    s->parse_complete_callback([ro, s] {
      bool dashdash = false;
      for (const auto& x : s->remaining()) dashdash = dashdash || x == "--";
      // Unknown options before the command fall through to the top level, which would only
      // call them unexpected (after this callback).
      const CLI::App* top = s;
      while (top->get_parent() != nullptr) top = top->get_parent();
      std::vector<std::string> extras;
      for (const auto& x : top->remaining(true)) {
        if (x != "--") extras.push_back(x);
      }
      const std::string usage = "mlops exp run [OPTIONS] -- COMMAND [ARGS...]";
      if (!extras.empty()) {
        std::vector<std::string> ours;
        for (const CLI::Option* opt : s->get_options()) {
          for (const auto& n : opt->get_lnames()) ours.push_back("--" + n);
        }
        const std::string& word = extras.front();
        const std::string guess = word.rfind("--", 0) == 0 ? closest(word.substr(0, word.find('=')), ours) : "";
        throw Error(ErrorKind::usage, "unknown option '" + word + "' for 'mlops exp run'",
                    (guess.empty() ? std::string() : "did you mean '" + guess + "'? ") + "A command's own options go after '--': " + usage);
      }
      const auto& argv = ro->o.argv;  // none: the pipeline (run_run)
      const auto option = std::find_if(argv.begin(), argv.end(), [](const std::string& a) { return a.size() > 1 && a[0] == '-'; });
      if (!dashdash && option != argv.end()) {
        std::string line;
        for (const auto& a : argv) line += " " + shell_word(a);
        throw Error(ErrorKind::usage, "'" + *option + "' follows the command '" + argv.front() + "', which is not after '--'",
                    "put the command after '--' to pass it options: mlops exp run [OPTIONS] --" + line);
      }
    });
    s->callback([ro, &ctx] { ctx.action = [ro](Context& c) { return run_run(*ro, c); }; });
  }
  {
    auto lo = std::make_shared<LogOpts>();
    CLI::App* s = sub("log", "Log metrics (and params or artifacts) from inside a running command");
    s->add_option("METRICS", lo->values, "KEY=NUMBER pairs");
    s->add_option("--step", lo->step, "Step of these values (default: one more than the last, per metric)")
        ->type_name("INT")
        ->check(CLI::Validator(
            [](std::string& v) {  // checked while parsing, so a typo is a usage error even outside a repository
              std::int64_t n = 0;
              const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
              return ec == std::errc() && end == v.data() + v.size() ? std::string() : std::string("not a 64-bit whole number");
            },
            "INT"));
    s->add_option("--param", lo->params, "A parameter KEY=VALUE (repeatable)")->type_name("KEY=VALUE")->allow_extra_args(false);
    s->add_option("--artifact", lo->artifacts, "A file or directory to record as an output (repeatable)")
        ->type_name("PATH")
        ->allow_extra_args(false);
    s->add_option("--importance", lo->importances, "A feature importance FEATURE=NUMBER (repeatable; the run's importances.json)")
        ->type_name("FEATURE=NUMBER")
        ->allow_extra_args(false);
    s->footer(R"(
Works inside a command started by `mlops exp run` (it finds the run through $MLOPS_RUN_DIR).
Values are decimal numbers, or nan / inf / -inf (recorded as "NaN", "Infinity", "-Infinity");
a number a 64-bit float cannot hold (1e400) and a --step beyond 64 bits are refused (exit 2).

Examples:
  mlops exp log loss=0.31 acc=0.88 --step 10
  mlops exp log --param optimizer=adam --artifact models/best.pt
  mlops exp log --importance age=0.31 --importance income=0.12

Feature importances may also be written by the command as importances.json at the project
root ({"FEATURE": NUMBER, ...}); logged values win over the file's.)");
    s->callback([lo, &ctx] {
      ctx.hot_path = true;
      ctx.action = [lo](Context&) { return run_log(*lo); };
    });
  }
  {
    auto lo = std::make_shared<ListOpts>();
    CLI::App* s = sub("list", "List runs with the params and metrics that differ between them");
    s->alias("ls");
    s->add_flag("-a,--all", lo->o.all, "Every run, not only those based on HEAD's recent history");
    old_short(*s, ctx, "-f",
              s->add_option("--filter", lo->o.filter, "Keep runs matching EXPR, e.g. 'metrics.acc > 0.9 and tag:best'")->type_name("EXPR"));
    old_short(*s, ctx, "-s",
              s->add_option("--sort", lo->o.sort, "Sort by a field, '-' for descending, e.g. -metrics.acc")->type_name("[-]FIELD"));
    s->add_option("-l,--limit", lo->o.limit, "Show at most N runs")->type_name("N");
    s->add_option("-c,--columns", lo->columns, "Comma-separated fields to show instead of the defaults")->type_name("FIELDS");
    s->add_flag("--csv", lo->csv, "Print CSV");
    s->add_flag("--md", lo->md, "Print a Markdown table");
    s->footer(R"(
Fields: id, short_id, name, status, started, ended, duration, exit_code, baseline, dirty,
host, user, sweep, note, command, params.KEY, metrics.KEY (its last value; .min .max .step
.count); a bare KEY stands for the one params.KEY or metrics.KEY the listed runs have.
Unknown or ambiguous names are an error naming the closest ones.
Filters: comparisons = != < <= > >= ~ (contains), and/or/not, parentheses (at most 64
deep), tag:NAME.

Examples:
  mlops exp list
  mlops exp list --all --filter 'metrics.accuracy > 0.9 and (params.model.max_depth <= 5 or tag:baseline)'
  mlops exp list --sort -metrics.accuracy --limit 5 --md
  mlops exp list --json | jq '.[].name')");
    s->callback([lo, &ctx] { ctx.action = [lo](Context& c) { return run_list(*lo, c); }; });
  }
  {
    auto spec = std::make_shared<std::string>();
    CLI::App* s = sub("show", "Show one run: record, params, metrics and the tail of its logs");
    s->add_option("RUN", *spec, "Id, name, or a prefix of the id or of its random part (the ID exp list shows)")->required();
    s->footer("\nExamples:\n  mlops exp show brave-otter\n  mlops exp show 7ZQ4K2MX --json");
    s->callback([spec, &ctx] { ctx.action = [spec](Context& c) { return run_show(*spec, c); }; });
  }
  {
    auto runs = std::make_shared<std::vector<std::string>>();
    auto md = std::make_shared<bool>(false);
    CLI::App* s = sub("diff", "Compare two runs (or one with the workspace): params, metrics, code");
    s->add_option("RUNS", *runs, "One or two runs")->required();
    s->add_flag("--md", *md, "Print Markdown tables");
    s->footer("\nExamples:\n  mlops exp diff brave-otter calm-heron\n  mlops exp diff brave-otter          # against the workspace");
    s->callback([runs, md, &ctx] { ctx.action = [runs, md](Context& c) { return run_diff(*runs, *md, c); }; });
  }
  {
    auto runs = std::make_shared<std::vector<std::string>>();
    CLI::App* s = sub("rm", "Remove runs (their refs; objects go with git gc)");
    s->alias("remove");
    s->add_option("RUNS", *runs, "Runs to remove")->required();
    s->footer("\nExamples:\n  mlops exp rm brave-otter calm-heron");
    s->callback([runs, &ctx] {
      ctx.action = [runs](Context& c) {
        const auto removed = exp::remove(stdfs::current_path(), *runs);
        if (c.out.json()) c.out.print_json({{"schema", 1}, {"removed", removed}});
        else
          for (const auto& id : removed) c.out.status("removed " + id);
        return 0;
      };
    });
  }
  {
    auto spec = std::make_shared<std::string>();
    auto tags = std::make_shared<std::vector<std::string>>();
    auto remove = std::make_shared<bool>(false);
    CLI::App* s = sub("tag", "Add (or --remove) tags on a run");
    s->add_option("RUN", *spec, "Id, short id (or id prefix) or name")->required();
    s->add_option("TAGS", *tags, "Tags")->required();
    s->add_flag("--remove", *remove, "Remove the tags instead");
    s->footer("\nExamples:\n  mlops exp tag brave-otter best\n  mlops exp tag brave-otter best --remove");
    s->callback([spec, tags, remove, &ctx] {
      ctx.action = [spec, tags, remove](Context& c) {
        const exp::Run r = *remove ? exp::tag(stdfs::current_path(), *spec, {}, *tags) : exp::tag(stdfs::current_path(), *spec, *tags, {});
        if (c.out.json()) c.out.print_json(exp::to_json(r));
        else
          c.out.status(
              exp::printable(r.name + ": tags " +
                             (r.tags.empty() ? std::string("(none)")
                                             : nlohmann::json(r.tags).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))));
        return 0;
      };
    });
  }
  {
    auto spec = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    CLI::App* s = sub("apply", "Write a run's code (and kept outputs) into the workspace");
    s->add_option("RUN", *spec, "Id, id prefix or name")->required();
    s->add_flag("-f,--force", *force, "Apply over uncommitted changes, after saving them under refs/mlops/backup/");
    s->footer(
        "\nHEAD does not move; the changes show up as uncommitted. A kept output replaces a git-ignored\n"
        "file at its path (e.g. models/ after a local training) after saving that file under\n"
        ".git/mlops/backup/<ULID>/.\n\nExamples:\n  mlops exp apply brave-otter\n  mlops exp apply brave-otter --force");
    s->callback([spec, force, &ctx] {
      ctx.action = [spec, force](Context& c) {
        const exp::ApplyResult r = exp::apply(stdfs::current_path(), *spec, *force);
        if (c.out.json()) {
          c.out.print_json({{"schema", 1},
                            {"written", r.written},
                            {"removed", r.removed},
                            {"outputs", r.outputs},
                            {"backup", r.backup_ref},
                            {"saved", r.saved},
                            {"backup_dir", r.backup_dir}});
          return 0;
        }
        if (!r.backup_ref.empty())
          c.out.status("saved your uncommitted work as " + r.backup_ref + " (git checkout " + r.backup_ref + " -- . brings it back)");
        for (const auto& p : r.saved)
          c.out.status("saved your " + p + " (ignored by git) as " + r.backup_dir + "/" + p + " before replacing it");
        c.out.status("applied: " + std::to_string(r.written.size()) + " written, " + std::to_string(r.removed.size()) + " removed, " +
                     std::to_string(r.outputs.size()) + " outputs restored");
        return 0;
      };
    });
  }
  {
    auto spec = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    CLI::App* s = sub("branch", "Create a git branch at a run's code snapshot");
    s->add_option("RUN", *spec, "Id, short id (or id prefix) or name")->required();
    s->add_option("BRANCH", *name, "Name of the new branch")->required();
    s->footer("\nExamples:\n  mlops exp branch brave-otter try-lower-lr");
    s->callback([spec, name, &ctx] {
      ctx.action = [spec, name](Context& c) {
        const std::string at = exp::branch(stdfs::current_path(), *spec, *name);
        if (c.out.json()) c.out.print_json({{"schema", 1}, {"branch", *name}, {"commit", at}});
        else c.out.status("created branch " + *name + " at " + at.substr(0, 12));
        return 0;
      };
    });
  }
  for (const bool is_push : {true, false}) {
    auto remote = std::make_shared<std::string>();
    CLI::App* s = sub(is_push ? "push" : "pull",
                      is_push ? "Send runs to a git remote (refs/mlops/exps/*)" : "Fetch runs from a git remote, merging tags");
    s->add_option("REMOTE", *remote, "Remote name or URL (default: origin)");
    s->footer(is_push ? "\nExamples:\n  mlops exp push\n  mlops exp push git@github.com:org/repo.git"
                      : "\nExamples:\n  mlops exp pull\n  mlops exp pull https://github.com/org/repo.git");
    s->callback([remote, is_push, &ctx] {
      ctx.action = [remote, is_push](Context& c) {
        const exp::SyncResult r = is_push ? exp::push(stdfs::current_path(), *remote) : exp::pull(stdfs::current_path(), *remote);
        if (c.out.json()) {
          c.out.print_json({{"schema", 1}, {"updated", r.updated}, {"rejected", r.rejected}, {"unchanged", r.unchanged}});
        } else {
          c.out.status(std::string(is_push ? "pushed " : "pulled ") + std::to_string(r.updated.size()) + " runs (" +
                       std::to_string(r.unchanged) + " already up to date)");
          for (const auto& rej : r.rejected) c.out.warn("not " + std::string(is_push ? "pushed: " : "pulled: ") + rej);
          if (!r.rejected.empty() && is_push) c.out.warn("run 'mlops exp pull' to merge them, then push again");
        }
        return r.rejected.empty() ? 0 : 1;
      };
    });
  }
  for (const bool waiting : {false, true}) {
    auto id = std::make_shared<std::string>();
    CLI::App* s = sub(waiting ? "wait" : "status", waiting ? "Wait until every point of a sweep sent to a scheduler has finished"
                                                           : "Show the points of a sweep sent to a scheduler");
    s->add_option("SWEEP", *id, "The sweep id 'exp run --executor' printed")->required();
    s->footer(std::string("\nA point's state comes from its run; the scheduler is asked only about points without one.\n"
                          "Columns: index, run, name, state, job, and why the point has no run when its task said so\n"
                          "(sweeps through a git remote).\n"
                          "Exit code: 0 when every point completed") +
              (waiting ? "" : " or the sweep is still going") +
              ", 1 when one failed, timed out, was cancelled or lost.\n\nWith a sweep id 'mlops exp run --executor slurm' printed:\n  "
              "mlops exp " +
              (waiting ? "wait" : "status") + " 01J9Z3V5Q8M4T2B7C6D1E0F9GH");
    s->callback([id, waiting, &ctx] {
      ctx.action = [id, waiting](Context& c) {
        const exp::SweepStatus st =
            waiting ? exp::sweep_wait(stdfs::current_path(), *id, {}) : exp::sweep_status(stdfs::current_path(), *id);
        return print_sweep(st, c);
      };
    });
  }
  {
    auto spec = std::make_shared<std::string>();
    CLI::App* s = sub("cancel", "Cancel a sweep sent to a scheduler, or one of its runs");
    s->add_option("TARGET", *spec, "A sweep id, or a run (id, name or prefix)")->required();
    s->footer("\nWith a sweep sent to a scheduler:\n  mlops exp cancel 01J9Z3V5Q8M4T2B7C6D1E0F9GH\n  mlops exp cancel brave-otter");
    s->callback([spec, &ctx] {
      ctx.action = [spec](Context& c) {
        c.out.status("mlops: cancelled " + exp::sweep_cancel(stdfs::current_path(), *spec));
        return 0;
      };
    });
  }
  {
    // Hidden: the body of a scheduler task (lib/exp/sweep_remote.cpp writes the command).
    auto sweep = std::make_shared<std::string>();
    auto offset = std::make_shared<size_t>(0);
    auto remote = std::make_shared<std::string>();
    CLI::App* s = sub("__task", "");
    s->group("");
    s->add_option("--sweep", *sweep)->required();
    s->add_option("--offset", *offset);
    s->add_option("--remote", *remote);
    s->callback([sweep, offset, remote, &ctx] {
      // With a git remote the task runs where no repository is: it makes its own in scratch.
      ctx.no_repository = !remote->empty();
      ctx.action = [sweep, offset, remote](Context& c) {
        exp::RunEvents ev;
        ev.started = [&c](const exp::Run& r) { c.out.status("mlops: run " + r.name + " (" + r.id + ") started"); };
        ev.finished = [&c](const exp::Run& r) { c.out.status("mlops: " + run_summary(r)); };
        return exp::sweep_task(stdfs::current_path(), *sweep, *offset, ev, *remote).exit_code;
      };
    });
  }
  {
    auto go = std::make_shared<exp::GcOptions>();
    CLI::App* s = sub("gc", "Clean up after crashed runs, drop unreferenced kept outputs, pack refs");
    s->add_flag("--prune-invalid", go->prune_invalid, "Delete refs under refs/mlops/exps/ that hold no valid run");
    s->footer(
        "\nRefs that hold no valid run (a blob, a damaged or foreign record) are named; --prune-invalid\n"
        "deletes them.\n\nExamples:\n  mlops exp gc\n  mlops exp gc --prune-invalid");
    s->callback([go, &ctx] {
      ctx.action = [go](Context& c) {
        const exp::GcResult g = exp::gc(stdfs::current_path(), *go);
        if (c.out.json()) {
          c.out.print_json({{"schema", 1},
                            {"live_dirs", g.live_dirs},
                            {"worktrees", g.worktrees},
                            {"outputs", g.outputs},
                            {"packed", g.packed},
                            {"pruned", g.pruned},
                            {"invalid", g.invalid_kept}});
        } else {
          c.out.status("removed " + std::to_string(g.live_dirs) + " stale run directories, " + std::to_string(g.worktrees) +
                       " worktrees, " + std::to_string(g.outputs) + " unreferenced outputs" + (g.packed ? "; refs packed" : ""));
          for (const auto& p : g.pruned) c.out.status("removed " + p);
          for (const auto& k : g.invalid_kept) c.out.warn("holds no valid run: " + k);
          if (!g.invalid_kept.empty()) {
            c.out.warn(go->prune_invalid ? "some could not be removed (they changed meanwhile, or git cannot delete them)"
                                         : "'mlops exp gc --prune-invalid' removes them");
          }
        }
        return 0;
      };
    });
  }
}

}  // namespace mlops::cli
