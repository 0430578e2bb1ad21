// SPDX-License-Identifier: MIT
// What a run record may hold, and the checks every reader makes before it believes a record
// or allocates for it. Runs arrive from other people's repositories (`exp pull`), so a ref
// under refs/mlops/exps/ may point at anything: a blob, a huge or deeply nested JSON file, a
// run.json whose id is another run's. Such refs are skipped (and named), never fatal.
#pragma once

#include "exp/store.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace mlops::exp {

// Nesting of any JSON in a record: far beyond what mlops writes (params are flat, lists stay
// arrays), and shallow enough for the recursive code that copies, compares and prints JSON.
inline constexpr std::size_t k_max_json_depth = 64;
inline constexpr std::uint64_t k_max_commit_bytes = 64ULL << 20;   // a run commit with its Mlops-Run summary
inline constexpr std::uint64_t k_max_run_json_bytes = 8ULL << 20;  // argv alone may be ARG_MAX (2 MiB)
inline constexpr std::uint64_t k_max_values_bytes = 64ULL << 20;   // params.json, metrics.json, artifacts.json
inline constexpr std::uint64_t k_max_log_bytes = 4ULL << 20;       // logs/stdout|stderr (mlops keeps 1 MiB)

// The top-level fields of a run record a listing needs, read in one validating pass.
struct RecordHead {
  std::int64_t schema = 0;
  std::string id, name, status, baseline;
  bool too_deep = false;
};
// False when `text` is not a single JSON object nested at most k_max_json_depth deep.
bool read_record_head(std::string_view text, RecordHead& head);
// True when `text` is valid JSON nested at most k_max_json_depth deep.
bool json_within_limits(std::string_view text);
// "" when `head` is a record mlops lists under refs/mlops/exps/<ref_id>; else what is wrong.
std::string head_problem(const RecordHead& head, std::string_view ref_id);
// Why `text` (from `where`) could not be a run record file: "" when it is valid JSON within
// the limits, else "not valid JSON" or "nested deeper than 64 levels".
std::string json_problem(std::string_view text);

// "a blob", "a tree", "a tag", "a commit", "an object of an unknown type".
std::string object_kind(git_object_t type);
// Type and size of an object without reading it; nullopt if the repository lacks it.
struct ObjectHeader {
  git_object_t type = GIT_OBJECT_INVALID;
  std::size_t size = 0;
};
std::optional<ObjectHeader> object_header(git_odb* odb, const git_oid& id);

// A blob of `tree` by name, its size checked against `limit` before it is read; nullopt when
// absent. Error{invalid_input} naming `where` when it is not a blob or too big.
std::optional<std::string> read_record_file(Repo& r, git_tree* tree, const char* name, std::uint64_t limit, const std::string& where);

// Everything that makes a run commit valid under refs/mlops/exps/<ref_id>: the object is a
// commit of a sane size, its summary trailer and run.json agree with the ref, its record
// files are JSON within the limits, its logs are not absurdly big and its snapshot exists.
// "" when valid, else the first problem. `exp pull`, `push` and `gc --prune-invalid` use it;
// listings check the summary alone (cache.cpp), readers of the files check them as they go.
std::string check_run_commit(Repo& r, const std::string& commit, const std::string& ref_id);

}  // namespace mlops::exp
