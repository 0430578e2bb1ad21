// SPDX-License-Identifier: MIT
// <state>/started/<stage>, the started journal (docs/formats.md, "Local state"). repro writes a
// stage's entry before its command starts and removes it once mlops.lock names the result, so
// an entry found later means that run did not finish. While the stage runs, the repro running
// it holds a flock on the entry: `status` tells a stage running now from one whose run died,
// because the kernel releases the flock when its process dies, kill -9 included.
#pragma once

#include "core/fd.hpp"

#include <filesystem>
#include <string>

namespace mlops::pipeline {

enum class Started {
  no,          // no entry: the stage's last run finished (or it never ran)
  running,     // an entry a live repro holds: the stage runs now
  unfinished,  // an entry nobody holds: killed, crashed, failed or interrupted
};

std::filesystem::path started_path(const std::filesystem::path& state, const std::string& stage);

// One open, and for an entry one flock attempt: `status` asks this of every stage, so a stage
// without an entry costs no more than a stat.
Started started(const std::filesystem::path& state, const std::string& stage);

// A stage's entry, written and held until this object dies. The flock is taken on the
// temporary file before it is renamed into place, so the entry is never seen unheld while
// its stage runs. The file is not synced (see the crash-safety note in engine.cpp) and not
// removed here: repro removes it once mlops.lock records the stage, then lets this go.
class StartedEntry {
 public:
  StartedEntry() = default;
  static StartedEntry write(const std::filesystem::path& state, const std::string& stage, const std::string& text);

 private:
  explicit StartedEntry(Fd fd) : m_fd(std::move(fd)) {}
  Fd m_fd;  // holds the flock
};

}  // namespace mlops::pipeline
