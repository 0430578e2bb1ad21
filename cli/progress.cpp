// SPDX-License-Identifier: MIT
#include "progress.hpp"

#include <mlops/error.hpp>
#include <mlops/package.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace mlops::cli {
namespace {

constexpr std::int64_t k_redraw_ns = 100'000'000;  // at most 10 frames a second
constexpr double k_min_rate_seconds = 0.5;         // before this, a rate is noise

std::int64_t ns(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::size_t terminal_columns() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

// Columns a UTF-8 string takes, counting every code point as one (names are mostly ASCII;
// a wide character only makes the line a little shorter than it could be).
std::size_t columns(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

// The longest prefix of `s` taking at most `width` columns, cut at a code point boundary.
std::string_view fit(std::string_view s, std::size_t width) {
  std::size_t cols = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) continue;
    if (cols++ == width) return s.substr(0, i);
  }
  return s;
}

std::string duration(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + (s / 60 % 60 < 10 ? "0" : "") + std::to_string(s / 60 % 60) + "m";
}

void write_err(std::string_view s) { (void)!std::fwrite(s.data(), 1, s.size(), stderr); }

bool no_color_set() {
  const char* nc = std::getenv("NO_COLOR");
  return nc != nullptr && *nc != '\0';
}

}  // namespace

ProgressLine::ProgressLine(const Output& out, std::string operation)
    : m_enabled(out.stderr_tty() && !no_color_set() && !out.quiet() && !out.json()),
      m_operation(std::move(operation)),
      m_phase_start(Clock::now()) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::phase(std::string_view name, std::uint64_t total_bytes) noexcept {
  {
    std::lock_guard lock(m_mutex);
    m_phase.assign(name);
    m_items.clear();
    m_phase_start = Clock::now();
    m_done = 0;
    m_total = total_bytes;
  }
  draw(true);
}

void ProgressLine::add_total(std::uint64_t bytes) noexcept { m_total += bytes; }

void ProgressLine::advance(std::uint64_t bytes) noexcept {
  m_done += bytes;
  if (m_enabled) draw(false);
}

void ProgressLine::item(std::string_view name) noexcept {
  try {
    std::lock_guard lock(m_mutex);
    const auto id = std::this_thread::get_id();
    std::erase_if(m_items, [&](const Current& c) { return c.thread == id; });
    // Names come from archives and manifests: drawn escaped, like every message.
    if (!name.empty()) m_items.push_back({id, escape_controls(name), m_started++});
  } catch (...) {
    // Out of memory for a name: the interruption message will miss it.
  }
}

void ProgressLine::clear() noexcept {
  if (!m_enabled) return;
  std::lock_guard lock(m_mutex);
  erase_locked();
}

void ProgressLine::print(std::string_view line) noexcept {
  {
    std::lock_guard lock(m_mutex);
    erase_locked();
    write_err(std::string(line) + "\n");
  }
  if (m_enabled) draw(true);
}

std::string ProgressLine::where() const {
  std::lock_guard lock(m_mutex);
  std::string s = m_operation;
  if (!m_phase.empty()) s += ": " + m_phase;
  auto items = m_items;
  std::sort(items.begin(), items.end(), [](const Current& a, const Current& b) { return a.started < b.started; });
  for (std::size_t i = 0; i < items.size(); ++i) s += (i == 0 ? " " : ", ") + items[i].name;
  const std::uint64_t done = m_done, total = m_total;
  if (!m_phase.empty()) {
    s += " (" + package::human_size(done) + (total > 0 ? " of " + package::human_size(total) : std::string()) + " done)";
  }
  return s;
}

void ProgressLine::erase_locked() noexcept {
  if (m_drawn == 0) return;
  write_err("\r" + std::string(m_drawn, ' ') + "\r");
  m_drawn = 0;
}

std::string ProgressLine::render(Clock::time_point now) const {
  const std::uint64_t done = m_done, total = std::max<std::uint64_t>(m_total, m_done);
  std::string s = m_operation + ": " + m_phase + "  " + package::human_size(done);
  if (total > 0) {
    s += " / " + package::human_size(total) + "  " + std::to_string(done * 100 / total) + "%";
  }
  const double elapsed = std::chrono::duration<double>(now - m_phase_start).count();
  if (elapsed >= k_min_rate_seconds && done > 0) {
    const double rate = static_cast<double>(done) / elapsed;
    s += "  " + package::human_size(static_cast<std::uint64_t>(rate)) + "/s";
    if (total > done) s += "  ETA " + duration(static_cast<double>(total - done) / rate);
  }
  return s;
}

void ProgressLine::draw(bool force) noexcept {
  if (!m_enabled) return;
  const auto now = Clock::now();
  const std::int64_t t = ns(now);
  if (!force && t < m_next_draw_ns.load(std::memory_order_relaxed)) return;
  // One thread draws; the others go back to work rather than wait for the terminal.
  std::unique_lock lock(m_mutex, std::try_to_lock);
  if (!lock.owns_lock()) {
    if (!force) return;
    lock.lock();
  }
  m_next_draw_ns.store(t + k_redraw_ns, std::memory_order_relaxed);
  if (m_phase.empty()) return;
  try {
    // One column short of the width: writing the last one makes some terminals wrap.
    const std::string line(fit(render(now), terminal_columns() - 1));
    const std::size_t cols = columns(line);
    std::string frame = "\r" + line;
    if (cols < m_drawn) frame += std::string(m_drawn - cols, ' ');
    write_err(frame);
    m_drawn = std::max(cols, m_drawn);
    (void)std::fflush(stderr);
  } catch (...) {
    // Out of memory while formatting a progress line: not worth failing the operation.
  }
}

}  // namespace mlops::cli
