// SPDX-License-Identifier: MIT
// Temporary directories of scaffolding (template fetches, template copies for hooks, staging
// directories of generated projects) carry their owner in their name, "<prefix><pid>-<start
// time>-<pid namespace>-XXXXXX", so a later run can remove what a killed run left without
// touching a live run's: the owner is gone when no process of this pid namespace has that
// pid with that start time. Directories of other namespaces are never touched.
#pragma once

#include <mlops/fs.hpp>

#include <filesystem>
#include <string>

namespace mlops::scaffold {

// `parent`/<prefix><pid>-<start>-<ns>-XXXXXX; an empty `parent` means $TMPDIR, else /tmp.
fs::TempDir make_owned_temp_dir(const std::filesystem::path& parent, const std::string& prefix);

// Removes directories `parent`/<prefix><pid>-<start>-<ns>-* that this user owns and whose
// owner process is gone. Best effort: what cannot be inspected or removed is left (at debug
// level); without /proc nothing is removed.
void remove_stale_temp_dirs(const std::filesystem::path& parent, const std::string& prefix);

}  // namespace mlops::scaffold
