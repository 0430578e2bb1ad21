// SPDX-License-Identifier: MIT
// Run names and ids for shell completion, from what a warm `exp list` reads: the ref files
// and the listing cache. Starting libgit2 (~12 ms) would make every Tab noticeably slow.
#include "exp/cache.hpp"
#include "git/refs_files.hpp"

#include <mlops/error.hpp>
#include <mlops/exp.hpp>

namespace mlops::exp {
namespace {

// A top-level string field of a compact record. The first "name":" is the run's: the keys
// are sorted and those before it (argv, artifacts, metrics, ...) hold no string "name".
std::string string_field(std::string_view json, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  const size_t k = json.find(needle);
  if (k == std::string_view::npos) return "";
  const size_t b = k + needle.size(), e = json.find('"', b);
  return e == std::string_view::npos ? "" : std::string(json.substr(b, e - b));
}

}  // namespace

std::vector<RunLabel> complete_runs(const stdfs::path& cwd) {
  std::vector<RunLabel> out;
  try {
    const auto dirs = git::find_repo_dirs(cwd);
    if (!dirs) return out;
    const auto index = cached_runs_only(dirs->gitdir, dirs->gitdir / "mlops");
    if (!index) return out;
    for (auto it = index->runs.rbegin(); it != index->runs.rend(); ++it) {  // ULIDs sort by time: newest first
      out.push_back({it->id, string_field(it->json, "name"), std::string(it->status), string_field(it->json, "started")});
    }
  } catch (const Error&) {
    // Completion offers what it can; the command itself reports the problem.
  }
  return out;
}

}  // namespace mlops::exp
