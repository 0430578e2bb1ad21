// SPDX-License-Identifier: MIT
#include "exp/executor.hpp"

#include "core/json.hpp"
#include "core/sha256.hpp"
#include "exp/live.hpp"
#include "exp/live_log.hpp"
#include "exp/outputs.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include "core/log.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>

extern char** environ;

namespace mlops::exp {
namespace {

constexpr size_t k_log_cap = 1 << 20;  // per stream; the tail is kept

struct Capture {
  std::string data;
  bool truncated = false;
  void add(std::string_view bytes) {
    data.append(bytes);
    if (data.size() > 2 * k_log_cap) {
      data.erase(0, data.size() - k_log_cap);
      truncated = true;
    }
  }
  std::string finish() {
    if (data.size() > k_log_cap) {
      data.erase(0, data.size() - k_log_cap);
      truncated = true;
    }
    return data;
  }
};

struct Active {
  Job* job = nullptr;
  pid_t pid = -1;
  int fds[2] = {-1, -1};  // stdout, stderr read ends
  Capture capture[2];
  std::string pending[2];  // partial lines, when prefixing
  bool exited = false;
  int status = 0;
  std::chrono::steady_clock::time_point started, exited_at;
  OutputBaseline before;           // to tell files the command wrote from older ones
  std::vector<std::string> notes;  // for the user, not the record
};

void write_fd(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a closed terminal or pipe must not stop the run
    s.remove_prefix(static_cast<size_t>(n));
  }
}

void emit(const RunEvents& events, Active& a, int stream, std::string_view bytes, bool flush) {
  auto out = [&](std::string_view s) {
    if (events.output) {
      events.output(a.job->run, stream + 1, s);
    } else {
      write_fd(stream == 0 ? STDOUT_FILENO : STDERR_FILENO, s);
    }
  };
  if (!a.job->prefix_output) {
    out(bytes);
    return;
  }
  std::string& p = a.pending[stream];
  p.append(bytes);
  size_t start = 0, nl;
  const std::string tag = "[" + a.job->run.name + "] ";
  while ((nl = p.find('\n', start)) != std::string::npos) {
    out(tag + p.substr(start, nl - start + 1));
    start = nl + 1;
  }
  p.erase(0, start);
  if (flush && !p.empty()) {
    out(tag + p + "\n");
    p.clear();
  }
}

std::vector<std::string> child_env(const Job& job) {
  std::vector<std::string> env;
  const std::map<std::string, std::string> extra = {
      {k_run_id_env, job.run.id},
      {k_run_dir_env, job.live_dir.string()},
      {"MLOPS_RUN_NAME", job.run.name},
  };
  bool python_set = false;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const std::string key = kv.substr(0, kv.find('='));
    if (extra.count(key)) continue;
    python_set = python_set || key == "PYTHONUNBUFFERED";
    env.push_back(kv);
  }
  for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
  // Python buffers a pipe's output in blocks; live output is what users expect.
  if (!python_set) env.push_back("PYTHONUNBUFFERED=1");
  return env;
}

void spawn(Active& a) {
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw_errno("pipe");
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw_errno("pipe");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addchdir_np(&fa, a.job->cwd.c_str());
  // The child gets default signal handling: our handlers must not leak into it.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t def;
  sigemptyset(&def);
  sigaddset(&def, SIGINT);
  sigaddset(&def, SIGTERM);
  sigaddset(&def, SIGHUP);
  sigaddset(&def, SIGPIPE);
  sigaddset(&def, SIGUSR2);  // ignored and held for mlops on a Slurm node (hold_if_ignored), not for the command
  posix_spawnattr_setsigdefault(&attr, &def);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> env = child_env(*a.job);
  std::vector<char*> envp, argv;
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = a.job->run.argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const int rc = ::posix_spawnp(&a.pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  a.fds[0] = out_pipe[0];
  a.fds[1] = err_pipe[0];
  a.started = std::chrono::steady_clock::now();
  if (rc != 0) {
    // Recorded like a shell would: 127, command not found.
    a.pid = -1;
    a.exited = true;
    a.status = 127 << 8;
    const std::string msg = "mlops: cannot run " + a.job->run.argv[0] + ": " + std::strerror(rc) + "\n";
    a.capture[1].add(msg);
    write_fd(STDERR_FILENO, msg);
  }
}

void keep_output(const stdfs::path& mlops_dir, const stdfs::path& file, const std::string& sha) {
  const stdfs::path dst = mlops_dir / "outputs" / "sha256" / sha.substr(0, 2) / sha;
  std::error_code ec;
  if (stdfs::exists(dst, ec)) return;
  stdfs::create_directories(dst.parent_path(), ec);
  // A hard link costs nothing (the worktree is removed next); a copy where links fail.
  const stdfs::path tmp = dst.string() + ".tmp-" + std::to_string(::getpid());
  if (::link(file.c_str(), tmp.c_str()) != 0) {
    stdfs::copy_file(file, tmp, stdfs::copy_options::overwrite_existing, ec);
    if (ec) throw Error(ErrorKind::io, "cannot keep output " + file.string() + ": " + ec.message());
  }
  if (::rename(tmp.c_str(), dst.c_str()) != 0) throw_errno("cannot keep output " + file.string());
}

// The files a run's record may take without the run naming them.
std::vector<std::string> stamped_paths(const Repo& r, const Job&) {
  std::vector<std::string> paths = r.config.metrics;
  paths.emplace_back(k_importances_file);
  paths.insert(paths.end(), r.config.outputs.begin(), r.config.outputs.end());
  return paths;
}

// Feature importances: importances.json at the project root when the run wrote it (the rule
// of metrics files), then the values of `exp log --importance`, which win. A flat object of
// numbers; anything else in the file is a warning, not a failed run.
void record_importances(const Job& job, const Active& a, const LiveData& live, Run& run, RunFiles& files) {
  std::map<std::string, double> values;
  const stdfs::path p = job.project / k_importances_file;
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    try {
      const std::string text = fs::read_regular_file(p, k_max_project_file);  // the run may have written anything
      if (a.before.written(k_importances_file, stamp_of(st), [&] { return sha256_hex(text); })) {
        for (const auto& [k, v] : read_values(text, p.string()))
          if (const std::optional<double> x = number_of(v)) values[k] = *x;
      }
    } catch (const Error& e) {
      run.warnings.push_back(std::string("importances not read: ") + e.what());
    }
  }
  for (const auto& [k, v] : live.importances) values[k] = v;
  if (values.empty()) return;
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : values) j[k] = number_json(v);
  files.importances = json_text(j, 2) + "\n";
}

void finalize(Repo& r, Active& a, bool interrupted_run) {
  Job& job = *a.job;
  Run& run = job.run;
  run.ended = now_rfc3339();
  run.duration = std::chrono::duration<double>(a.exited_at - a.started).count();
  if (WIFEXITED(a.status)) {
    run.exit_code = WEXITSTATUS(a.status);
  } else if (WIFSIGNALED(a.status)) {
    run.signal = WTERMSIG(a.status);
    run.exit_code = 128 + run.signal;
  }
  if (interrupted_run) run.status = time_limit_reached() ? "timeout" : "interrupted";
  else run.status = (run.exit_code && *run.exit_code == 0) ? "completed" : "failed";
  run.pid = 0;

  RunFiles files;
  LiveData live = read_live(job.live_dir);
  for (const auto& w : live.warnings) run.warnings.push_back(w);
  for (const auto& [k, v] : live.params) (*run.params)[k] = recordable(v);
  for (const auto& [k, points] : live.series) {
    run.metrics[k] = summarize(points);
    files.series[k] = series_tsv(points);
  }
  // Only what the command wrote is its own (exp/outputs.hpp): a metrics file or a declared
  // output left by an earlier run is not recorded, unless the command, having succeeded,
  // vouches for it with its digest (the pipeline: a stage restored or up to date).
  std::map<std::string, std::string> vouched;
  if (job.vouched_metrics && run.status == "completed") {
    try {
      vouched = job.vouched_metrics(job.project);
    } catch (const Error& e) {
      run.warnings.push_back(std::string("metrics of the pipeline's stages not read: ") + e.what());
    }
  }
  std::vector<std::string> metrics_files = r.config.metrics;
  for (const auto& [path, sha] : vouched)
    if (std::find(metrics_files.begin(), metrics_files.end(), path) == metrics_files.end()) metrics_files.push_back(path);
  std::vector<std::string> stale_metrics;
  for (const auto& mf : metrics_files) {
    const stdfs::path p = job.project / mf;
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // through a symlink, as it is read
    std::string text;
    try {
      text = fs::read_regular_file(p, k_max_project_file);
    } catch (const Error& e) {
      run.warnings.push_back(std::string("metrics not read: ") + e.what());
      continue;
    }
    std::optional<std::string> digest;
    const auto sha = [&]() -> const std::string& {
      if (!digest) digest = sha256_hex(text);
      return *digest;
    };
    const auto vouch = vouched.find(mf);
    if (!a.before.written(mf, stamp_of(st), sha) && !(vouch != vouched.end() && vouch->second == sha())) {
      stale_metrics.push_back(mf);
      continue;
    }
    try {
      for (const auto& [k, v] : read_values(text, p.string())) {
        if (run.metrics.count(k)) continue;  // a logged series wins
        const std::optional<double> x = v.is_boolean() ? std::optional<double>(v.get<bool>() ? 1.0 : 0.0) : number_of(v);
        if (x) run.metrics[k] = Metric{*x, *x, *x, 0, 1};
      }
    } catch (const Error& e) {
      run.warnings.push_back(std::string("metrics not read: ") + e.what());
      log::warn("run {}: metrics not read: {}", run.name, e.what());
    }
  }
  record_importances(job, a, live, run, files);
  if (run.metrics.empty() && run.status == "completed") {
    for (const auto& mf : stale_metrics)
      a.notes.push_back(mf + " was not written by this run; the values in it are older and not recorded");
  }
  // Files named by `exp log --artifact` are recorded when the run changed them, like the
  // declared outputs; a named one the run did not write gets a warning, an unwritten
  // declared output only a debug line (a run need not produce all of them).
  std::vector<std::string> outputs = r.config.outputs;
  std::vector<std::string> named;
  for (const auto& a_abs : live.artifacts) {
    const stdfs::path rel = stdfs::path(a_abs).lexically_relative(job.project);
    if (rel.empty() || rel.string().rfind("..", 0) == 0) {
      run.warnings.push_back("artifact " + a_abs + " is outside the project; not recorded");
      continue;
    }
    std::string n = rel.lexically_normal().generic_string();
    while (n.size() > 1 && n.back() == '/') n.pop_back();
    outputs.push_back(n);
    named.push_back(n);
  }
  auto named_by_run = [&](const std::string& f) {
    return std::any_of(named.begin(), named.end(), [&](const std::string& n) {
      return f == n || (f.size() > n.size() && f.compare(0, n.size(), n) == 0 && f[n.size()] == '/');
    });
  };
  std::set<std::string> seen;
  for (const auto& o : outputs) {
    const auto found = output_files(job.project, o);
    if (found.empty() && std::find(named.begin(), named.end(), o) != named.end())
      run.warnings.push_back("artifact " + o + " does not exist");
    for (const auto& f : found) {
      if (!seen.insert(f).second) continue;
      const bool is_named = named_by_run(f);
      try {
        const stdfs::path path = job.project / f;
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) throw_errno("cannot stat " + path.string());
        std::optional<FileDigest> digest;
        auto hash = [&]() -> const FileDigest& {
          if (!digest) digest = sha256_file(path);
          return *digest;
        };
        if (!a.before.written(f, stamp_of(st), [&] { return hash().sha256; })) {
          if (is_named) run.warnings.push_back("artifact " + f + " was not written by this run; not recorded");
          else log::debug("run {}: output {} was not written by this run; not recorded", run.name, f);
          continue;
        }
        Artifact art{f, hash().size, hash().sha256, false};
        if (job.keep_outputs) {
          keep_output(r.mlops_dir, path, art.sha256);
          art.kept = true;
        }
        run.artifacts.push_back(art);
      } catch (const Error& e) {
        run.warnings.push_back(std::string("artifact not recorded: ") + e.what());
      }
    }
  }
  files.stdout_log = a.capture[0].finish();
  files.stderr_log = a.capture[1].finish();
  run.stdout_truncated = a.capture[0].truncated;
  run.stderr_truncated = a.capture[1].truncated;

  // Objects first, then the ref by compare-and-swap. If someone tagged the run meanwhile,
  // take their tags and note and try again.
  std::string expected = job.first_commit;
  for (int attempt = 0;; ++attempt) {
    const std::string commit = write_run_commit(r, run, files, expected);
    if (move_run_ref(r, run.id, commit, expected)) {
      run.commit = commit;
      break;
    }
    if (attempt == 5) throw Error(ErrorKind::conflict, "run " + run.id + " keeps changing under us; its result is in commit " + commit);
    std::string current;
    for (const auto& e : list_run_refs(r)) {
      if (e.id == run.id) current = e.commit;
    }
    if (current.empty()) throw Error(ErrorKind::conflict, "run " + run.id + " was removed while it ran; its result is in commit " + commit);
    const Run theirs = read_run(r, current);
    run.tags = theirs.tags;
    run.note = theirs.note;
    expected = current;
  }
  std::error_code ec;
  stdfs::remove_all(job.live_dir, ec);
}

}  // namespace

void execute(Repo& r, std::vector<Job>& jobs, size_t parallel, const RunEvents& events, const std::function<void(Job&)>& prepare,
             const std::function<void(Job&)>& on_done) {
  std::vector<std::unique_ptr<Active>> active;
  size_t next = 0;
  bool forwarded = false, killed = false;
  std::chrono::steady_clock::time_point forwarded_at;
  parallel = std::max<size_t>(1, parallel);
  while (next < jobs.size() || !active.empty()) {
    while (active.size() < parallel && next < jobs.size() && !interrupted()) {
      auto a = std::make_unique<Active>();
      a->job = &jobs[next++];
      prepare(*a->job);
      log::debug("run {}: recorded as running", a->job->run.name);
      if (events.started) events.started(a->job->run);
      // Stamped last, so that nothing of ours (the checkout of an isolated run, the first
      // record) is mistaken for the command's.
      a->before.take(a->job->project, stamped_paths(r, *a->job), a->job->live_dir / "started");
      spawn(*a);
      if (a->exited) a->exited_at = a->started;
      active.push_back(std::move(a));
    }
    if (interrupted() && next < jobs.size()) next = jobs.size();  // start nothing new
    if (interrupted() && !forwarded) {
      // The terminal already signalled our whole process group; a kill() reached us alone.
      if (interrupt_from_process()) {
        for (auto& a : active) {
          if (a->pid > 0 && !a->exited) ::kill(a->pid, interrupt_signal());
        }
      }
      forwarded = true;
      forwarded_at = std::chrono::steady_clock::now();
    }
    // At a time limit the scheduler kills us too soon after its warning: a command that
    // ignores SIGTERM is killed first, so that its run is still recorded with its output.
    if (forwarded && !killed && time_limit_reached() && std::chrono::steady_clock::now() - forwarded_at > std::chrono::seconds(20)) {
      for (auto& a : active) {
        if (a->pid > 0 && !a->exited) ::kill(a->pid, SIGKILL);
      }
      killed = true;
    }

    std::vector<pollfd> pfds;
    std::vector<std::pair<Active*, int>> owners;
    for (auto& a : active) {
      for (int s = 0; s < 2; ++s) {
        if (a->fds[s] >= 0) {
          pfds.push_back({a->fds[s], POLLIN, 0});
          owners.emplace_back(a.get(), s);
        }
      }
    }
    if (!pfds.empty()) {
      const int n = ::poll(pfds.data(), pfds.size(), 100);
      if (n < 0 && errno != EINTR) throw_errno("poll");
      for (size_t i = 0; n > 0 && i < pfds.size(); ++i) {
        if ((pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        auto [a, s] = owners[i];
        char buf[65536];
        const ssize_t got = ::read(a->fds[s], buf, sizeof buf);
        if (got > 0) {
          a->capture[s].add(std::string_view(buf, static_cast<size_t>(got)));
          emit(events, *a, s, std::string_view(buf, static_cast<size_t>(got)), false);
        } else if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
          ::close(a->fds[s]);
          a->fds[s] = -1;
        }
      }
    } else {
      ::usleep(20000);
    }

    for (auto it = active.begin(); it != active.end();) {
      Active& a = **it;
      if (!a.exited && a.pid > 0) {
        int status = 0;
        const pid_t w = ::waitpid(a.pid, &status, WNOHANG);
        if (w == a.pid) {
          a.exited = true;
          a.status = status;
          a.exited_at = std::chrono::steady_clock::now();
        }
      }
      // Done when the process is gone and its output drained (or a background child of it
      // still holds the pipes open 2 s later: we stop reading then).
      const bool drained = a.fds[0] < 0 && a.fds[1] < 0;
      const bool stale = a.exited && std::chrono::steady_clock::now() - a.exited_at > std::chrono::seconds(2);
      if (a.exited && (drained || stale)) {
        for (int s = 0; s < 2; ++s) {
          if (a.fds[s] >= 0) ::close(a.fds[s]);
          a.fds[s] = -1;
          emit(events, a, s, "", true);
        }
        log::debug("run {}: command ended", a.job->run.name);
        finalize(r, a, interrupted());
        log::debug("run {}: final record written", a.job->run.name);
        if (on_done) on_done(*a.job);
        if (events.finished) events.finished(a.job->run);
        if (events.note) {
          for (const auto& n : a.notes) events.note(a.job->run, n);
        }
        it = active.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace mlops::exp
