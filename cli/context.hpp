// SPDX-License-Identifier: MIT
#pragma once

#include "output.hpp"

#include <functional>
#include <string>
#include <vector>

namespace mlops::cli {

struct GlobalOptions {
  bool json = false;
  bool quiet = false;
  int verbose = 0;
  std::string color = "auto";
  std::string directory;  // -C
};

// What every command receives: the global options, the output channel and, set by the
// command's parse callback, the action to run once parsing is done.
struct Context {
  GlobalOptions global;
  Output out;
  std::function<int(Context&)> action;
  std::string command_path;        // "template list", for messages
  bool hot_path = false;           // called in tight loops (exp log): skip the optional setup
  bool no_repository = false;      // a command of a group that needs one works without it (a task fetching from a git remote)
  std::vector<std::string> notes;  // warnings from parsing (old option spellings), shown before the action
};

}  // namespace mlops::cli
