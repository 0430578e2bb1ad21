// SPDX-License-Identifier: MIT
// The one progress drawer of the CLI: a single line on stderr ("build: hashing  412 MiB /
// 2.0 GiB  20%  405 MiB/s  ETA 4s") for the library's ProgressObserver reports.
//
// Drawn only when stderr is a terminal, NO_COLOR is not set (the project's rule for colour
// and progress alike: NO_COLOR asks for a quiet, plain terminal) and neither -q nor --json is
// given. It uses only \r and spaces, so it works with TERM=dumb too. Redrawn at most 10 times a second, erased before
// anything else is printed and when the operation ends. Counting goes on without a
// terminal, so an interruption can always say what it stopped.
#pragma once

#include "context.hpp"

#include <mlops/error.hpp>
#include <mlops/progress.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace mlops::cli {

class ProgressLine final : public ProgressObserver {
 public:
  // `operation` names the command in the line and in an interruption message ("build").
  ProgressLine(const Output& out, std::string operation);
  ~ProgressLine() override;
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void phase(std::string_view name, std::uint64_t total_bytes) noexcept override;
  void add_total(std::uint64_t bytes) noexcept override;
  void advance(std::uint64_t bytes) noexcept override;
  void item(std::string_view name) noexcept override;

  // Erases the line (if drawn); the next report draws it again.
  void clear() noexcept;
  // Prints `line` on stderr without garbling the progress line (for -v status lines that
  // arrive while it is shown).
  void print(std::string_view line) noexcept;
  // "build: hashing models/weights.bin, src (412 MiB of 2.0 GiB done)", for an
  // interruption message.
  std::string where() const;
  bool drawing() const noexcept { return m_enabled; }

 private:
  using Clock = std::chrono::steady_clock;
  void draw(bool force) noexcept;
  void erase_locked() noexcept;
  std::string render(Clock::time_point now) const;

  bool m_enabled;
  std::string m_operation;
  std::atomic<std::uint64_t> m_done{0}, m_total{0};
  std::atomic<std::int64_t> m_next_draw_ns{0};  // steady clock, nanoseconds
  mutable std::mutex m_mutex;                   // guards everything below
  std::string m_phase;
  // What each thread works on, in the order they started.
  struct Current {
    std::thread::id thread;
    std::string name;
    std::uint64_t started;
  };
  std::vector<Current> m_items;
  std::uint64_t m_started = 0;
  Clock::time_point m_phase_start;
  std::size_t m_drawn = 0;  // columns of the line on screen, 0 = none
};

// Runs `f` (a library call reporting to `line`), and when it is interrupted (Ctrl-C, kill),
// says what it stopped and what that left ("nothing was tagged"), then rethrows so the exit
// code is 130. The line is erased either way before anything else is printed.
template <class F>
auto with_progress(Context& ctx, ProgressLine& line, std::string_view consequence, F&& f) -> decltype(f()) {
  try {
    auto result = f();
    line.clear();
    return result;
  } catch (const Error& e) {
    line.clear();
    if (e.kind() == ErrorKind::interrupted) {
      ctx.out.error("interrupted while " + line.where(), std::string(consequence));
    }
    throw;
  }
}

}  // namespace mlops::cli
