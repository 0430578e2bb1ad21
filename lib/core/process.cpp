// SPDX-License-Identifier: MIT
#include "core/process.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace mlops {

std::string ProcessResult::describe() const {
  if (signal != 0) return "signal " + std::to_string(signal);
  return "exit code " + std::to_string(exit_code);
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& extra_env) {
  if (argv.empty()) throw Error(ErrorKind::usage, "empty command");
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    const std::string key = kv.substr(0, kv.find('='));
    if (!extra_env.count(key)) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : extra_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // glibc 2.29+: change directory in the child only.
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error(ErrorKind::not_found, "cannot run " + argv[0] + ": " + std::strerror(rc));

  int status = 0;
  bool forwarded = false;
  for (;;) {
    // A signal sent to mlops alone (kill -INT, a CI runner's cancel) must not leave us
    // waiting for the child: pass it on once, then wait for the child to exit.
    if (interrupted() && !forwarded) {
      if (interrupt_from_process()) ::kill(pid, interrupt_signal());
      forwarded = true;
    }
    if (::waitpid(pid, &status, 0) == pid) break;
    if (errno != EINTR) throw_errno("waiting for " + argv[0]);
  }
  ProcessResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) throw_errno("cannot create a pipe");
  }
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
};

}  // namespace

ProcessOutput run_process_io(const std::vector<std::string>& argv, const std::string& input, std::size_t max_output) {
  if (argv.empty()) throw Error(ErrorKind::usage, "empty command");
  Pipe in, out;
  std::vector<std::string> argv_copy = argv;
  std::vector<char*> args;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error(ErrorKind::not_found, "cannot run " + argv[0] + ": " + std::strerror(rc));
  in.close_end(0);
  out.close_end(1);
  // The input is a line or two: far below a pipe's buffer, so writing it all first cannot
  // block against a child that waits for us to read.
  std::size_t written = 0;
  while (written < input.size()) {
    const ssize_t w = ::write(in.fd[1], input.data() + written, input.size() - written);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;  // the child closed its stdin: it will say why in its output
    written += static_cast<std::size_t>(w);
  }
  in.close_end(1);
  ProcessOutput result;
  char buffer[4096];
  bool killed = false;
  for (;;) {
    if (interrupted() && !killed) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    pollfd p{out.fd[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t r = ::read(out.fd[0], buffer, sizeof buffer);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (result.out.size() + static_cast<std::size_t>(r) > max_output) {
      result.truncated = true;
      if (!killed) ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    result.out.append(buffer, static_cast<std::size_t>(r));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) != pid) {
    if (errno != EINTR) throw_errno("waiting for " + argv[0]);
  }
  if (WIFEXITED(status)) result.result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.result.signal = WTERMSIG(status);
  check_interrupted();
  return result;
}

}  // namespace mlops
