// SPDX-License-Identifier: MIT
// Model promotion with an audit trail: an alias (prod, staging) is the git ref
// refs/mlops/aliases/<NAME>; every change is a commit (who, when, why, the package digest,
// the gates it passed, the signature key id) whose parent is the previous one, so the
// history is plain git and travels with `git push`. docs/formats.md has the commit format.
#pragma once

#include <mlops/api.hpp>

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace mlops::model {

namespace stdfs = std::filesystem;

inline constexpr const char* k_alias_prefix = "refs/mlops/aliases/";

struct PromoteOptions {
  std::string package;  // REF in the store: NAME:TAG, digest or digest prefix
  std::string alias;
  std::string reason;
  stdfs::path store;
  // The remote part (tagging the package NAME on an OCI remote, pushing the alias ref) is
  // not here yet: it comes with lib/remote, as a step after the local compare-and-swap.
};

// Moves the alias to the package, by compare-and-swap on the ref (retried when another
// promotion won the race, so none is lost). Error{usage} for an invalid alias name;
// Error{not_found} for an unknown package; Error{invalid_input} when mlops.yaml's
// promote: {require: [signed, gates]} refuses it. Returns the new alias.json (JSON text).
MLOPS_API std::string promote(const stdfs::path& cwd, const PromoteOptions& options);
// Newest first: alias.json of each commit of the alias (first parents); Error{not_found}.
MLOPS_API std::vector<std::string> history(const stdfs::path& cwd, const std::string& alias);
// Every alias and its current alias.json.
MLOPS_API std::vector<std::pair<std::string, std::string>> list(const stdfs::path& cwd);
// Error{usage} unless NAME is 1-100 of [A-Za-z0-9._-], starting with a letter or digit,
// without "..", not ending in ".lock".
MLOPS_API void check_alias_name(const std::string& name);

}  // namespace mlops::model
