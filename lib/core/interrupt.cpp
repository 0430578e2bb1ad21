// SPDX-License-Identifier: MIT
#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <csignal>

namespace mlops {
namespace {

volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_from_process = 0;

extern "C" void on_signal(int sig, siginfo_t* info, void*) {
  g_signal = sig;
  // SI_USER/SI_QUEUE: kill() or sigqueue() from a process. A terminal's Ctrl-C comes from the
  // kernel and reaches our whole process group, children included.
  g_from_process = info != nullptr && (info->si_code == SI_USER || info->si_code == SI_QUEUE);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_sigaction = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_SIGINFO;  // no SA_RESTART: a blocking read returns EINTR so the caller can unwind
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

bool interrupted() noexcept { return g_signal != 0; }
int interrupt_signal() noexcept { return g_signal; }
bool interrupt_from_process() noexcept { return g_from_process != 0; }

void check_interrupted() {
  if (g_signal != 0) throw Error(ErrorKind::interrupted, "interrupted");
}

}  // namespace mlops
