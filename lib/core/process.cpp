// SPDX-License-Identifier: MIT
#include "core/process.hpp"

#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

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

}  // namespace mlops
