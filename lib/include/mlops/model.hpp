// SPDX-License-Identifier: MIT
// Model promotion with an audit trail: an alias (prod, staging) is the git ref
// refs/mlops/aliases/<NAME>; every change is a commit (who, when, why, the package digest,
// the gates it passed, the signature key id) whose parent is the previous one, so the
// history is plain git and travels with `git push`. docs/formats.md has the commit format.
#pragma once

#include <mlops/api.hpp>
#include <mlops/error.hpp>
#include <mlops/remote.hpp>

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
  // A remote URL (resolved from a remote's name by the caller), or "": the package's
  // repository there also gets the tag NAME (remote::tag_remote), before the alias moves
  // here; the remote must hold the package already.
  std::string remote;
  remote::TransferOptions transfer;
};

// Moves the alias to the package, by compare-and-swap on the ref (retried when another
// promotion won the race, so none is lost). Error{usage} for an invalid alias name;
// Error{not_found} for an unknown package; Error{invalid_input} when mlops.yaml's
// promote: {require: [signed, gates]} refuses it; with a remote, remote::tag_remote's errors
// (the alias then does not move). Returns the new alias.json (JSON text).
MLOPS_API std::string promote(const stdfs::path& cwd, const PromoteOptions& options);
// Newest first: alias.json of each commit of the alias (first parents); Error{not_found}.
MLOPS_API std::vector<std::string> history(const stdfs::path& cwd, const std::string& alias);
// Every alias and its current alias.json.
MLOPS_API std::vector<std::pair<std::string, std::string>> list(const stdfs::path& cwd);
// An alias as a remote sees it: the tag NAME in the repository of the package the alias
// points at here.
struct RemoteAlias {
  std::string alias;
  std::string url;           // SCHEME://.../PACKAGE:ALIAS
  std::string digest;        // what the remote's tag names; "" when the remote has no such tag
  std::string local_digest;  // what the alias points at here
  // Why the remote's tag could not be read ("" when it was): that alias only; the others are
  // still looked up. `error_kind` is the error's kind then (the CLI's exit code).
  std::string error;
  ErrorKind error_kind = ErrorKind::remote;
};
// Every local alias, looked up on the remote `url`, sorted by name. An alias whose lookup fails
// is listed with `error` set and the next one is looked up (an interruption still stops it).
MLOPS_API std::vector<RemoteAlias> list_remote(const stdfs::path& cwd, const stdfs::path& store, const std::string& url,
                                               const remote::TransferOptions& transfer);
// Error{usage} unless NAME is 1-100 of [A-Za-z0-9._-], starting with a letter or digit,
// without "..", not ending in ".lock".
MLOPS_API void check_alias_name(const std::string& name);

}  // namespace mlops::model
