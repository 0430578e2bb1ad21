// SPDX-License-Identifier: MIT
// The Slurm executor: the command-line tools (sbatch, squeue, sacct, scancel, scontrol), as
// every tool surveyed in docs/architecture.md does; slurmrestd is not everywhere.
#include "core/log.hpp"
#include "executor/executor.hpp"

#include <mlops/error.hpp>
#include <mlops/fs.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace mlops::executor {

namespace {

struct Captured {
  int status = -1;  // exit code, or -1 when a signal ended it
  std::string out, err;
};

// The program `name` names on PATH, looked up before fork (execvp is not async-signal-safe,
// and a missing tool is reported here, not as a child's exit 127); empty when there is none.
std::string find_tool(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr && *path != '\0' ? path : "/usr/local/bin:/usr/bin:/bin";
  for (;;) {
    const size_t colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    const std::string full = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(full.c_str(), X_OK) == 0) return full;
    if (colon == std::string_view::npos) return {};
    rest.remove_prefix(colon + 1);
  }
}

// Runs a scheduler tool without a shell and keeps its stdout and stderr (bounded: 16 MiB
// each). run_process_io drops stderr on purpose (credential helpers), but a scheduler's
// refusal must reach the user verbatim, so this one keeps it.
// The tool dies with us (PR_SET_PDEATHSIG): a client killed while sbatch or squeue runs
// leaves no scheduler tool behind, and a killed sbatch either submitted its job, which is
// then found by name, or did not. The signal follows the thread that forked, which waits
// for the tool here, so it fires exactly when this process dies.
Captured capture(const std::vector<std::string>& argv) {
  const std::string exe = find_tool(argv[0]);
  if (exe.empty())
    throw Error(ErrorKind::not_found, "cannot run " + argv[0] + ": " + std::strerror(ENOENT), "is Slurm's client installed and on PATH?");
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw Error(ErrorKind::internal, std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw Error(ErrorKind::internal, std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls until execve. Our handlers would only set a flag here.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (const int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR2}) ::sigaction(sig, &dfl, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the client died before prctl took effect
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(out_pipe[1], 1) < 0 || ::dup2(err_pipe[1], 2) < 0) ::_exit(127);
    ::execve(exe.c_str(), args.data(), environ);
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw Error(ErrorKind::internal, "cannot run " + argv[0] + ": " + std::strerror(fork_errno));
  }
  Captured c;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* bufs[2] = {&c.out, &c.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        if (bufs[i]->size() < (16u << 20)) bufs[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  c.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return c;
}

std::string first_line(const std::string& s) {
  std::string l = s.substr(0, s.find('\n'));
  while (!l.empty() && (l.back() == '\r' || l.back() == ' ')) l.pop_back();
  return l;
}

// Errors a busy controller gives that are worth a second try (smk-slurm#313).
bool transient(const std::string& err) {
  return err.find("Socket timed out") != std::string::npos || err.find("Unexpected message received") != std::string::npos ||
         err.find("Resource temporarily unavailable") != std::string::npos;
}

Captured call(const std::vector<std::string>& argv) {
  Captured c;
  for (int attempt = 0; attempt < 3; ++attempt) {
    c = capture(argv);
    if (c.status == 0 || !transient(c.err)) break;
    log::warn("{}: {}; trying again", argv[0], first_line(c.err));
    std::this_thread::sleep_for(std::chrono::seconds(1 << attempt));
  }
  log::debug("{} -> {} {}", argv[0], c.status, first_line(c.err));
  return c;
}

std::optional<size_t> to_size(std::string_view s) {
  size_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t k = s.find(sep, start);
    out.emplace_back(s.substr(start, k == std::string_view::npos ? std::string_view::npos : k - start));
    if (k == std::string_view::npos) break;
    start = k + 1;
  }
  return out;
}

// `Key = Value` lines of `scontrol show config`.
std::map<std::string, std::string> config_map(const std::string& text) {
  std::map<std::string, std::string> m;
  for (const auto& line : split(text, '\n')) {
    const size_t eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    std::string k = line.substr(0, eq), v = line.substr(eq + 3);
    while (!k.empty() && k.back() == ' ') k.pop_back();
    while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.pop_back();
    m[k] = v;
  }
  return m;
}

// The sbatch options every submission shares: environment allow-list and resources.
void common_args(const TaskBatch& b, std::vector<std::string>& argv) {
  // Never --export=ALL: only these names (and SLURM_*) reach the task.
  std::string exports;
  for (const auto& v : b.export_vars) exports += (exports.empty() ? "" : ",") + v;
  argv.push_back("--export=" + (exports.empty() ? std::string("NONE") : exports));
  const auto& r = b.resources;
  if (!r.cpus.empty()) argv.push_back("--cpus-per-task=" + r.cpus);
  if (!r.mem.empty()) argv.push_back("--mem=" + r.mem);
  if (!r.gpus.empty()) argv.push_back("--gpus=" + r.gpus);
  if (!r.time.empty()) argv.push_back("--time=" + r.time);
  if (!r.partition.empty()) argv.push_back("--partition=" + r.partition);
  if (!r.account.empty()) argv.push_back("--account=" + r.account);
  if (!r.qos.empty()) argv.push_back("--qos=" + r.qos);
}

// `trap '' USR2; exec 'word' ...` for --wrap: the batch shell becomes the command itself, so
// that --signal=B:USR2 reaches it; "{offset}" is replaced by `offset`. USR2 ignored across the
// exec: a warning while mlops starts must not kill it (mlops then holds it pending until its
// handler is in place; one in the few instructions before that is dropped, not fatal).
std::string exec_line(const std::vector<std::string>& command, size_t offset) {
  std::string wrap = "trap '' USR2; exec";
  for (auto word : command) {
    if (word == "{offset}") word = std::to_string(offset);
    wrap += " '";
    for (const char ch : word) wrap += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    wrap += "'";
  }
  return wrap;
}

class Slurm final : public Executor {
 public:
  std::vector<Fact> describe() override {
    std::vector<Fact> f;
    Captured ping;
    try {
      ping = call({"scontrol", "ping"});
    } catch (const Error& e) {
      return {{"reachable", "no", false, e.what()}};
    }
    if (ping.status != 0 || ping.out.find("is UP") == std::string::npos) {
      return {{"reachable", "no: " + first_line(ping.err.empty() ? ping.out : ping.err), false,
               "is slurmctld running, and SLURM_CONF (or /etc/slurm/slurm.conf) the cluster's?"}};
    }
    f.push_back({"reachable", first_line(ping.out), true, ""});
    const Captured c = call({"scontrol", "show", "config"});
    const auto m = config_map(c.out);
    auto get = [&](const char* k) {
      const auto it = m.find(k);
      return it == m.end() ? std::string("(not set)") : it->second;
    };
    f.push_back({"cluster", get("ClusterName") + ", Slurm " + get("SLURM_VERSION"), true, ""});
    f.push_back({"MaxArraySize", get("MaxArraySize") + " (a sweep with more points is split into several array jobs)", true, ""});
    const std::string sched = get("SchedulerParameters");
    if (const size_t k = sched.find("max_array_tasks="); k != std::string::npos)
      f.push_back({"max_array_tasks", sched.substr(k + 16, sched.find(',', k) - k - 16), true, ""});
    f.push_back({"MaxJobCount", get("MaxJobCount") + " (each array task counts)", true, ""});
    f.push_back({"MinJobAge", get("MinJobAge") + " (how long the controller remembers a finished task)", true, ""});
    f.push_back({"KillWait", get("KillWait") + " (between SIGTERM and SIGKILL at a time limit or cancel)", true, ""});
    const std::string acct = get("AccountingStorageType");
    const bool acct_on = acct.find("none") == std::string::npos && acct != "(not set)";
    f.push_back({"accounting", (acct_on ? "on (" : "off (") + acct + "); jobcomp " + get("JobCompType"), true,
                 acct_on ? "" : "without it the scheduler forgets a task MinJobAge after it ends; mlops reads the run refs first"});
    Captured p;
    try {
      p = call({"sinfo", "-h", "-o", "%P|%a|%l|%c|%m|%D"});
    } catch (const Error& e) {
      p.err = e.what();
    }
    if (p.status != 0) f.push_back({"partitions", "sinfo failed: " + first_line(p.err), false, "is sinfo installed on this machine?"});
    if (p.status == 0) {
      for (const auto& line : split(p.out, '\n')) {
        const auto x = split(line, '|');
        if (x.size() < 6) continue;
        f.push_back({"partition " + x[0],
                     x[1] + ", time limit " + x[2] + ", " + x[3] + " CPUs and " + x[4] + " MB a node, " + x[5] + " nodes", x[1] == "up",
                     x[1] == "up" ? "" : "this partition takes no jobs now"});
      }
    }
    f.push_back({"time limit", "the task gets USR2 60 s before its --time (passed on as SIGTERM; recorded timeout)", true, ""});
    return f;
  }

  std::optional<std::string> probe(const TaskBatch& b, const std::string& script, std::chrono::seconds timeout) override {
    std::error_code ec;
    stdfs::create_directories(b.log_dir, ec);
    if (ec) throw Error(ErrorKind::io, "cannot create " + b.log_dir.string() + ": " + ec.message());
    std::vector<std::string> argv{"sbatch",
                                  "--parsable",
                                  "--job-name=" + b.name,
                                  "--output=" + (b.log_dir / "probe-%j.log").string(),
                                  "--chdir=" + b.workdir.string(),
                                  "--no-requeue"};
    common_args(b, argv);
    argv.push_back("--wrap=" + script);
    const Captured res = call(argv);
    const std::string id = first_line(res.out).substr(0, first_line(res.out).find(';'));
    if (res.status != 0 || !to_size(id))
      throw Error(ErrorKind::remote, "sbatch refused the test job: " + (res.err.empty() ? first_line(res.out) : first_line(res.err)));
    const stdfs::path log = b.log_dir / ("probe-" + id + ".log");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const Captured q = call({"squeue", "-h", "-j", id, "-o", "%T"});
      const std::string st = first_line(q.out);
      // Gone from squeue, or ended: the output file is complete.
      if (q.status != 0 || st.empty() || (st != "PENDING" && st != "RUNNING" && st != "CONFIGURING" && st != "COMPLETING")) break;
      if (std::chrono::steady_clock::now() > deadline || interrupted()) {
        (void)call({"scancel", id});
        check_interrupted();
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    std::string out;
    try {
      out = fs::read_regular_file(log, 1u << 20);
    } catch (const Error&) {
      return std::string();
    }
    stdfs::remove(log, ec);
    return out;
  }

  std::vector<Submission> submit(const TaskBatch& b, const std::function<void(const Submission&)>& submitting,
                                 const std::function<void(const Submission&)>& submitted) override {
    if (b.indexes.empty()) return {};
    std::error_code ec;
    stdfs::create_directories(b.log_dir, ec);  // Slurm fails silently when --output's directory is missing
    if (ec) throw Error(ErrorKind::io, "cannot create " + b.log_dir.string() + ": " + ec.message());
    const auto chunks = slurm::chunk(b.indexes, array_limit());
    std::vector<Submission> out;
    // %J is shared between the chunks, so that together they never run more than asked.
    const size_t per_chunk = b.parallel == 0 ? 0 : std::max<size_t>(1, b.parallel / chunks.size());
    for (const auto& c : chunks) {
      std::vector<std::string> argv{"sbatch",
                                    "--parsable",
                                    "--job-name=" + b.name,
                                    "--comment=mlops offset=" + std::to_string(c.offset),
                                    "--array=" + c.array_spec + (per_chunk ? "%" + std::to_string(per_chunk) : ""),
                                    "--output=" + (b.log_dir / (b.log_prefix + "%A_%a.log")).string(),
                                    "--chdir=" + b.workdir.string(),
                                    "--signal=B:USR2@60",
                                    "--no-requeue"};
      common_args(b, argv);
      argv.push_back("--wrap=" + exec_line(b.command, c.offset));
      if (submitting) submitting(Submission{"", c.offset, c.indexes});
      const Captured res = call(argv);
      const std::string id = first_line(res.out).substr(0, first_line(res.out).find(';'));
      if (res.status != 0 || !to_size(id)) {
        // Accept only an integer job id (a bad account can print nothing and exit 0).
        throw Error(ErrorKind::remote,
                    "sbatch refused the sweep: " +
                        (res.err.empty() ? "no job id in its output '" + first_line(res.out) + "'" : first_line(res.err)),
                    out.empty() ? "nothing was submitted"
                                : std::to_string(out.size()) + " of " + std::to_string(chunks.size()) +
                                      " array jobs were submitted; 'mlops exp run --resume' submits the rest");
      }
      Submission s{id, c.offset, c.indexes};
      if (submitted) submitted(s);
      out.push_back(std::move(s));
    }
    return out;
  }

  std::map<size_t, TaskState> poll(const std::string& name, const std::vector<Submission>& known) override {
    std::map<size_t, TaskState> states;
    // squeue by job name also finds a job the client submitted but never recorded; the
    // offset rides in the comment.
    // Our own jobs only: another user's job given the same name must not be taken for ours.
    const Captured q =
        call({"squeue", "-h", "-r", "--states=all", "--name=" + name, "--user=" + std::to_string(::getuid()), "-o", "%F|%K|%T|%k"});
    if (q.status != 0) throw Error(ErrorKind::remote, "squeue failed: " + first_line(q.err));
    for (const auto& line : split(q.out, '\n')) {
      const auto f = split(line, '|');
      if (f.size() < 4) continue;
      const auto task = to_size(f[1]);
      const size_t k = f[3].find("offset=");
      const auto offset = k == std::string::npos ? std::nullopt : to_size(std::string_view(f[3]).substr(k + 7));
      if (!task || !offset) continue;
      states[*offset + *task] = TaskState{slurm::map_state(f[2]), f[2], f[0], *offset, std::nullopt};
    }
    // Records leave slurmctld MinJobAge after the end: ask accounting about what squeue no
    // longer shows (often off: "accounting storage is disabled", then we know nothing more).
    bool missing = false;
    for (const auto& s : known) {
      for (const size_t i : s.indexes) missing = missing || !states.count(i);
    }
    if (missing && !known.empty()) {
      std::string ids;
      for (const auto& s : known) ids += (ids.empty() ? "" : ",") + s.job;
      const Captured a = call({"sacct", "-X", "-P", "-n", "-o", "JobID,State,ExitCode", "-j", ids});
      if (a.status == 0) {
        for (const auto& line : split(a.out, '\n')) {
          const auto f = split(line, '|');
          if (f.size() < 3) continue;
          const size_t us = f[0].find('_');
          if (us == std::string::npos) continue;
          const auto task = to_size(std::string_view(f[0]).substr(us + 1));
          const std::string job = f[0].substr(0, us);
          if (!task) continue;
          for (const auto& s : known) {
            if (s.job != job || states.count(s.offset + *task)) continue;
            TaskState t{slurm::map_state(f[1]), f[1], job, s.offset, std::nullopt};
            if (const auto code = to_size(std::string_view(f[2]).substr(0, f[2].find(':')))) t.exit_code = static_cast<int>(*code);
            states[s.offset + *task] = t;
          }
        }
      }
    }
    return states;
  }

  std::string submit_job(const TaskBatch& b, const std::vector<std::string>& after_ok, const std::string& comment) override {
    std::error_code ec;
    stdfs::create_directories(b.log_dir, ec);
    if (ec) throw Error(ErrorKind::io, "cannot create " + b.log_dir.string() + ": " + ec.message());
    std::vector<std::string> argv{"sbatch",
                                  "--parsable",
                                  "--job-name=" + b.name,
                                  "--comment=" + comment,
                                  "--output=" + (b.log_dir / "%j.log").string(),
                                  "--chdir=" + b.workdir.string(),
                                  "--signal=B:USR2@60",
                                  "--no-requeue"};
    if (!after_ok.empty()) {
      std::string dep = "--dependency=afterok";
      for (const auto& j : after_ok) dep += ":" + j;
      argv.push_back(dep);
      // A failed upstream job makes the dependency unsatisfiable: cancelled, never left pending.
      argv.push_back("--kill-on-invalid-dep=yes");
    }
    common_args(b, argv);
    argv.push_back("--wrap=" + exec_line(b.command, 0));
    const Captured res = call(argv);
    const std::string id = first_line(res.out).substr(0, first_line(res.out).find(';'));
    if (res.status != 0 || !to_size(id))
      throw Error(ErrorKind::remote, "sbatch refused the job: " +
                                         (res.err.empty() ? "no job id in its output '" + first_line(res.out) + "'" : first_line(res.err)));
    return id;
  }

  std::map<std::string, TaskState> poll_jobs(const std::vector<std::string>& jobs) override {
    std::map<std::string, TaskState> states;
    if (jobs.empty()) return states;
    std::string ids;
    for (const auto& j : jobs) ids += (ids.empty() ? "" : ",") + j;
    // squeue -j fails outright when the controller forgot every id given: that is "unknown",
    // not an error, so its status is not checked.
    const Captured q = call({"squeue", "-h", "--states=all", "-j", ids, "-o", "%i|%T"});
    for (const auto& line : split(q.out, '\n')) {
      const auto f = split(line, '|');
      if (f.size() < 2 || std::find(jobs.begin(), jobs.end(), f[0]) == jobs.end()) continue;
      states[f[0]] = TaskState{slurm::map_state(f[1]), f[1], f[0], 0, std::nullopt};
    }
    if (states.size() < jobs.size()) {
      const Captured a = call({"sacct", "-X", "-P", "-n", "-o", "JobID,State,ExitCode", "-j", ids});
      if (a.status == 0) {
        for (const auto& line : split(a.out, '\n')) {
          const auto f = split(line, '|');
          if (f.size() < 3 || states.count(f[0]) || std::find(jobs.begin(), jobs.end(), f[0]) == jobs.end()) continue;
          TaskState t{slurm::map_state(f[1]), f[1], f[0], 0, std::nullopt};
          if (const auto code = to_size(std::string_view(f[2]).substr(0, f[2].find(':')))) t.exit_code = static_cast<int>(*code);
          states[f[0]] = t;
        }
      }
    }
    return states;
  }

  void cancel(const std::string& name, const std::vector<Submission>& jobs, std::optional<size_t> index) override {
    std::vector<std::string> argv{"scancel"};
    // By name: also a job whose id the client never recorded (killed right after sbatch).
    if (!index) {
      argv.push_back("--name=" + name);
      argv.push_back("--user=" + std::to_string(::getuid()));
    }
    for (const auto& s : jobs) {
      if (!index) {
        continue;
      } else if (std::find(s.indexes.begin(), s.indexes.end(), *index) != s.indexes.end()) {
        argv.push_back(s.job + "_" + std::to_string(*index - s.offset));
      }
    }
    if (argv.size() == 1) throw Error(ErrorKind::not_found, "no submitted job holds that point", "see 'mlops exp status SWEEP'");
    const Captured c = call(argv);
    if (c.status != 0) throw Error(ErrorKind::remote, "scancel failed: " + first_line(c.err));
  }

 private:
  // MaxArraySize from the controller's configuration, once per process; 1001 (Slurm's
  // default) when it cannot be read.
  size_t array_limit() {
    if (!limit_) {
      const Captured c = call({"scontrol", "show", "config"});
      limit_ = c.status == 0 ? slurm::max_array_size(c.out).value_or(1001) : 1001;
      if (*limit_ == 0) limit_ = 1001;
    }
    return *limit_;
  }
  std::optional<size_t> limit_;
};

}  // namespace

std::unique_ptr<Executor> make_slurm() { return std::make_unique<Slurm>(); }

namespace slurm {

std::vector<Chunk> chunk(const std::vector<size_t>& indexes, size_t max_array_size) {
  std::vector<Chunk> out;
  const size_t limit = std::max<size_t>(1, max_array_size);
  for (const size_t i : indexes) {
    if (out.empty() || i - out.back().offset >= limit) out.push_back(Chunk{i, {}, {}});
    out.back().indexes.push_back(i);
  }
  for (auto& c : out) {
    for (size_t k = 0; k < c.indexes.size();) {
      size_t e = k;
      while (e + 1 < c.indexes.size() && c.indexes[e + 1] == c.indexes[e] + 1) ++e;
      if (!c.array_spec.empty()) c.array_spec += ",";
      c.array_spec += std::to_string(c.indexes[k] - c.offset);
      if (e > k) c.array_spec += "-" + std::to_string(c.indexes[e] - c.offset);
      k = e + 1;
    }
  }
  return out;
}

std::string map_state(std::string_view raw) {
  const std::string_view w = raw.substr(0, raw.find(' '));  // "CANCELLED by 0"
  if (w == "PENDING" || w == "REQUEUED" || w == "SUSPENDED" || w == "CONFIGURING" || w == "REQUEUE_HOLD" || w == "RESV_DEL_HOLD")
    return "queued";
  if (w == "RUNNING" || w == "COMPLETING" || w == "STAGE_OUT" || w == "SIGNALING") return "running";
  if (w == "COMPLETED") return "completed";
  if (w == "TIMEOUT") return "timeout";
  if (w == "OUT_OF_MEMORY") return "oom";
  if (w == "NODE_FAIL" || w == "BOOT_FAIL") return "node_fail";
  if (w == "PREEMPTED") return "preempted";
  if (w == "CANCELLED" || w == "DEADLINE") return "cancelled";
  return "failed";  // FAILED, and any word we do not know is not a success
}

std::optional<size_t> max_array_size(std::string_view text) {
  for (const auto& line : split(text, '\n')) {
    if (line.rfind("MaxArraySize", 0) != 0) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string v = line.substr(eq + 1);
    v.erase(0, v.find_first_not_of(' '));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.pop_back();
    return to_size(v);
  }
  return std::nullopt;
}

}  // namespace slurm

}  // namespace mlops::executor
