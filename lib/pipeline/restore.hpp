// SPDX-License-Identifier: MIT
// Outputs put back from the store's blobs (run cache, checkout) and the local run cache:
// <store>/mlops/runs/<xx>/<key>, the outputs a stage wrote for one input key.
#pragma once

#include "package/store.hpp"
#include "pipeline/lockfile.hpp"
#include "pipeline/stages.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlops::pipeline {

// Whether every blob `out` needs is in the store (a directory's manifest and its files).
// False for a manifest that names a symlink or a path leaving its directory: such an output
// is not restored (the command runs instead).
bool restorable(const package::Store& store, const LockedPath& out);
// Replaces root/out.path with the content the store has for it, each blob checked against its
// sha256 as it is copied (Error{invalid_input} naming a corrupt blob; nothing replaced then).
// A file goes in by rename, a directory is built beside its place and renamed in.
void restore(const package::Store& store, const stdfs::path& root, const LockedPath& out);

// The run cache: a stage is eligible when it has a command, deps and outputs, every output
// cached (or a metrics file: those are stored anyway) and not persisted, and it is not
// always_changed.
bool run_cache_eligible(const Stage& s);
// sha256 of {format, cmd, wdir, env, deps (path, sha256), params, outs (paths)}.
std::string run_key(const Stage& s, const LockEntry& inputs);
std::optional<std::vector<LockedPath>> run_cache_get(const package::Store& store, const std::string& key);
void run_cache_put(const package::Store& store, const std::string& key, const std::vector<LockedPath>& outs);

}  // namespace mlops::pipeline
