// SPDX-License-Identifier: MIT
#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <csignal>

namespace mlops {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int sig) { g_signal = sig; }

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR so the caller can unwind
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

bool interrupted() noexcept { return g_signal != 0; }
int interrupt_signal() noexcept { return g_signal; }

void check_interrupted() {
  if (g_signal != 0) throw Error(ErrorKind::interrupted, "interrupted");
}

}  // namespace mlops
