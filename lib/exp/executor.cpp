// SPDX-License-Identifier: MIT
#include "exp/executor.hpp"

#include "core/sha256.hpp"
#include "exp/live.hpp"
#include "exp/live_log.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>
#include "core/log.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

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
  stdfs::file_time_type started_file_time;  // to tell files the command wrote from older ones
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
  posix_spawnattr_setsigdefault(&attr, &def);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

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
  // One second of slack: some filesystems keep coarse timestamps.
  a.started_file_time = stdfs::file_time_type::clock::now() - std::chrono::seconds(1);
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

// Every file under a declared output, relative to the project.
std::vector<std::string> output_files(const stdfs::path& project, const std::string& rel) {
  std::vector<std::string> out;
  const stdfs::path p = project / rel;
  std::error_code ec;
  const auto st = stdfs::symlink_status(p, ec);
  if (ec || !stdfs::exists(st)) return out;
  if (stdfs::is_regular_file(st)) {
    out.push_back(stdfs::path(rel).lexically_normal().generic_string());
  } else if (stdfs::is_directory(st)) {
    for (auto it = stdfs::recursive_directory_iterator(p, ec); !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && !it->is_symlink()) out.push_back(it->path().lexically_relative(project).generic_string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
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
  if (interrupted_run) run.status = "interrupted";
  else run.status = (run.exit_code && *run.exit_code == 0) ? "completed" : "failed";
  run.pid = 0;

  RunFiles files;
  LiveData live = read_live(job.live_dir);
  for (const auto& w : live.warnings) run.warnings.push_back(w);
  for (const auto& [k, v] : live.params) run.params[k] = v;
  for (const auto& [k, points] : live.series) {
    run.metrics[k] = summarize(points);
    files.series[k] = series_tsv(points);
  }
  for (const auto& mf : r.config.metrics) {
    const stdfs::path p = job.project / mf;
    std::error_code ec;
    if (!stdfs::exists(p, ec)) continue;
    // A metrics file the command did not write belongs to an earlier run.
    const auto mtime = stdfs::last_write_time(p, ec);
    if (!ec && mtime < a.started_file_time) {
      run.warnings.push_back(mf + " was not written by this run; its values are not recorded");
      continue;
    }
    try {
      for (const auto& [k, v] : read_values_file(p)) {
        if (run.metrics.count(k) || !(v.is_number() || v.is_boolean())) continue;  // a logged series wins
        const double x = v.is_boolean() ? (v.get<bool>() ? 1.0 : 0.0) : v.get<double>();
        run.metrics[k] = Metric{x, x, x, 0, 1};
      }
    } catch (const Error& e) {
      run.warnings.push_back(std::string("metrics not read: ") + e.what());
      log::warn("run {}: metrics not read: {}", run.name, e.what());
    }
  }
  std::vector<std::string> outputs = r.config.outputs;
  for (const auto& a_abs : live.artifacts) {
    const stdfs::path rel = stdfs::path(a_abs).lexically_relative(job.project);
    if (rel.empty() || rel.string().rfind("..", 0) == 0) {
      run.warnings.push_back("artifact " + a_abs + " is outside the project; not recorded");
      continue;
    }
    outputs.push_back(rel.generic_string());
  }
  std::vector<std::string> seen;
  for (const auto& o : outputs) {
    const auto found = output_files(job.project, o);
    if (found.empty() && std::find(r.config.outputs.begin(), r.config.outputs.end(), o) == r.config.outputs.end()) {
      run.warnings.push_back("artifact " + o + " does not exist");
    }
    for (const auto& f : found) {
      if (std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
      seen.push_back(f);
      try {
        const FileDigest d = sha256_file(job.project / f);
        Artifact art{f, d.size, d.sha256, false};
        if (job.keep_outputs) {
          keep_output(r.mlops_dir, job.project / f, d.sha256);
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

void execute(Repo& r, std::vector<Job>& jobs, size_t parallel, const RunEvents& events,
             const std::function<void(Job&)>& prepare, const std::function<void(Job&)>& on_done) {
  std::vector<std::unique_ptr<Active>> active;
  size_t next = 0;
  bool forwarded = false;
  parallel = std::max<size_t>(1, parallel);
  while (next < jobs.size() || !active.empty()) {
    while (active.size() < parallel && next < jobs.size() && !interrupted()) {
      auto a = std::make_unique<Active>();
      a->job = &jobs[next++];
      prepare(*a->job);
      log::debug("run {}: recorded as running", a->job->run.name);
      if (events.started) events.started(a->job->run);
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
        it = active.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace mlops::exp
