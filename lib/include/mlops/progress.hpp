// SPDX-License-Identifier: MIT
// Progress of long operations (package build, verify, unpack, export, import; later push and
// pull). The library only reports what it is doing and how far it got; the caller decides
// whether and how to show it (the CLI draws a line on a terminal: cli/progress.hpp). The
// library never prints.
#pragma once

#include <mlops/api.hpp>

#include <cstdint>
#include <string_view>

namespace mlops {

// Implemented by the caller. An operation is a sequence of phases ("hashing", "verifying",
// "reading churn.tar"), each with a total in bytes (0 when unknown) that advance() moves
// towards. Calls come from several threads at once (layers are hashed on every core) and
// advance() comes for every buffer read (about 1 MiB), so implementations must be
// thread-safe and cheap. No method may throw.
class MLOPS_API ProgressObserver {
 public:
  virtual ~ProgressObserver();
  // A phase begins and the previous one, if any, is over: the count starts again at 0.
  virtual void phase(std::string_view name, std::uint64_t total_bytes) noexcept = 0;
  // The current phase turned out bigger (work found on the way).
  virtual void add_total(std::uint64_t bytes) noexcept = 0;
  // `bytes` more of the current phase are done.
  virtual void advance(std::uint64_t bytes) noexcept = 0;
  // The calling thread now works on `name` (a file, a layer); "" when it is done with it.
  // For telling the user what an interruption stopped. Optional.
  virtual void item(std::string_view name) noexcept;
};

// What library code passes around: an observer that may be absent, so reporting needs no
// null checks at every call.
class Progress {
 public:
  Progress(ProgressObserver* observer = nullptr) noexcept : m_observer(observer) {}  // NOLINT: implicit on purpose

  void phase(std::string_view name, std::uint64_t total_bytes) const noexcept {
    if (m_observer != nullptr) m_observer->phase(name, total_bytes);
  }
  void add_total(std::uint64_t bytes) const noexcept {
    if (m_observer != nullptr) m_observer->add_total(bytes);
  }
  void advance(std::uint64_t bytes) const noexcept {
    if (m_observer != nullptr) m_observer->advance(bytes);
  }
  void item(std::string_view name) const noexcept {
    if (m_observer != nullptr) m_observer->item(name);
  }
  ProgressObserver* observer() const noexcept { return m_observer; }

 private:
  ProgressObserver* m_observer;
};

}  // namespace mlops
