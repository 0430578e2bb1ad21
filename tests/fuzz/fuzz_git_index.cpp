// SPDX-License-Identifier: MIT
// The index file is read on every `mlops exp run` by our own parser (git/index_file.hpp);
// whatever is in it, reading must end in entries or an Error, never a crash or a hang.
#include "git/index_file.hpp"

#include <mlops/error.hpp>

#include <cstdint>
#include <string_view>

using namespace mlops;

namespace {

// An independent statement of the rule: '/'-separated components, none empty, "." or "..".
bool safe_path(std::string_view p) {
  if (p.empty()) return false;
  for (;;) {
    const size_t slash = p.find('/');
    const std::string_view c = p.substr(0, slash);
    if (c.empty() || c == "." || c == "..") return false;
    if (slash == std::string_view::npos) return true;
    p.remove_prefix(slash + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const git::IndexFile index = git::parse_index(std::string_view(reinterpret_cast<const char*>(data), size));
    // Invariants the snapshot relies on.
    for (const auto& e : index.entries) {
      if (!safe_path(e.path)) __builtin_trap();
    }
    for (const auto& t : index.trees) {
      if (!t.path.empty() && !safe_path(t.path)) __builtin_trap();
    }
  } catch (const Error&) {
  }
  return 0;
}
