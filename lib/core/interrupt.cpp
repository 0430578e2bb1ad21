// SPDX-License-Identifier: MIT
#include <mlops/error.hpp>
#include <mlops/interrupt.hpp>

#include <atomic>
#include <csignal>

#include <pthread.h>
#include <signal.h>

namespace mlops {
namespace {

// Lock-free atomics, not volatile sig_atomic_t: the handler may run on any thread while
// workers read the flag (ThreadSanitizer reported the volatile pair as a data race).
std::atomic<int> g_signal{0};
std::atomic<int> g_from_process{0};
std::atomic<int> g_time_limit{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_signal(int sig, siginfo_t* info, void*) {
  g_signal.store(sig, std::memory_order_relaxed);
  // SI_USER/SI_QUEUE: kill() or sigqueue() from a process. A terminal's Ctrl-C comes from the
  // kernel and reaches our whole process group, children included.
  g_from_process.store(info != nullptr && (info->si_code == SI_USER || info->si_code == SI_QUEUE), std::memory_order_relaxed);
}

// A scheduler's warning that the time limit is near: handled as a SIGTERM sent by a process
// (so it is passed on to the children), remembered as a time limit.
extern "C" void on_time_limit(int, siginfo_t*, void*) {
  g_time_limit.store(1, std::memory_order_relaxed);
  g_from_process.store(1, std::memory_order_relaxed);
  g_signal.store(SIGTERM, std::memory_order_relaxed);
}

}  // namespace

void install_time_limit_handler(int sig) {
  struct sigaction sa {};
  sa.sa_sigaction = on_time_limit;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_SIGINFO;
  sigaction(sig, &sa, nullptr);
  // A mask inherited from whatever started us must not hide the warning: one that came
  // while it was blocked is delivered now, before any command starts.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

bool time_limit_reached() noexcept { return g_time_limit != 0; }

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
