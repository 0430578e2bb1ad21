// SPDX-License-Identifier: MIT
#include "pipeline/child.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>
#include <poll.h>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>

#include <array>
#include <cerrno>
#include <vector>

extern char** environ;

namespace mlops::pipeline {
namespace {

constexpr std::size_t k_max_line = 64 * 1024;

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) throw_errno("cannot create a pipe");
  }
  ~Pipe() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  void close_write() {
    ::close(fd[1]);
    fd[1] = -1;
  }
};

struct Actions {
  posix_spawn_file_actions_t a;
  posix_spawnattr_t attr;
  Actions() {
    posix_spawn_file_actions_init(&a);
    posix_spawnattr_init(&attr);
  }
  ~Actions() {
    posix_spawn_file_actions_destroy(&a);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

ProcessResult run_shell(const std::string& cmd, const std::filesystem::path& cwd, const std::map<std::string, std::string>& env,
                        const std::function<void(const std::string&, bool)>& on_line) {
  Pipe out, err;
  std::vector<std::string> env_strings;
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    const std::string s(*e);
    const auto eq = s.find('=');
    if (eq != std::string::npos) merged[s.substr(0, eq)] = s.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", command = cmd;
  std::array<char*, 4> argv = {sh.data(), dash_c.data(), command.data(), nullptr};

  Actions act;
  posix_spawn_file_actions_addopen(&act.a, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&act.a, out.fd[1], 1);
  posix_spawn_file_actions_adddup2(&act.a, err.fd[1], 2);
  posix_spawn_file_actions_addchdir_np(&act.a, cwd.c_str());
  posix_spawnattr_setpgroup(&act.attr, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGUSR2);  // ignored by a Slurm job's batch script for mlops, not for the command
  posix_spawnattr_setsigmask(&act.attr, &none);
  posix_spawnattr_setsigdefault(&act.attr, &defaults);
  posix_spawnattr_setflags(&act.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, "/bin/sh", &act.a, &act.attr, argv.data(), envp.data());
  if (rc != 0) {
    errno = rc;
    throw_errno("cannot start /bin/sh");
  }
  out.close_write();
  err.close_write();

  std::string buf[2];
  bool open[2] = {true, true};
  bool forwarded = false;
  const auto flush = [&](int i, bool all) {
    std::size_t start = 0;
    for (;;) {
      const auto nl = buf[i].find('\n', start);
      if (nl == std::string::npos) break;
      on_line(buf[i].substr(start, nl - start), i == 1);
      start = nl + 1;
    }
    buf[i].erase(0, start);
    if (buf[i].size() >= k_max_line || (all && !buf[i].empty())) {
      on_line(buf[i], i == 1);
      buf[i].clear();
    }
  };
  int status = 0;
  bool reaped = false;
  std::size_t after_exit = 0;
  while (open[0] || open[1]) {
    if (interrupted() && !forwarded) {
      ::kill(-pid, interrupt_signal() ? interrupt_signal() : SIGINT);
      forwarded = true;
    }
    // The shell may leave a background process holding the pipes: the stage ends when the
    // shell does; what is already in the pipes (bounded) is still shown.
    if (!reaped && ::waitpid(pid, &status, WNOHANG) == pid) reaped = true;
    std::array<pollfd, 2> fds{{{open[0] ? out.fd[0] : -1, POLLIN, 0}, {open[1] ? err.fd[0] : -1, POLLIN, 0}}};
    const int n = ::poll(fds.data(), fds.size(), reaped ? 0 : 100);
    if (n < 0 && errno != EINTR) break;
    if (reaped && (n == 0 || after_exit > k_max_line * 16)) {
      for (int i = 0; i < 2; ++i)
        if (open[i]) flush(i, true);
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char chunk[16384];
      const ssize_t got = ::read(fds[i].fd, chunk, sizeof chunk);
      if (got > 0) {
        if (reaped) after_exit += static_cast<std::size_t>(got);
        buf[i].append(chunk, static_cast<std::size_t>(got));
        flush(i, false);
      } else if (got == 0 || errno != EINTR) {
        open[i] = false;
        flush(i, true);
      }
    }
  }
  // The pipes close as the shell exits, a moment before it can be reaped: wait 1 ms, then
  // longer (a flat 50 ms cost every stage of a chain that much).
  for (int pause = 1; !reaped; pause = std::min(pause * 2, 50)) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) throw_errno("waitpid");
    if (interrupted() && !forwarded) {
      ::kill(-pid, interrupt_signal() ? interrupt_signal() : SIGINT);
      forwarded = true;
    }
    ::poll(nullptr, 0, pause);
  }
  ProcessResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace mlops::pipeline
