// SPDX-License-Identifier: MIT
// A single run happens in the user's workspace, as users expect, so its -S overrides are
// written into the params files for the run. The original bytes are saved first (under
// .git/mlops/restore/) and put back afterwards: by this object when the run ends, and by
// recover_workspace() in the next mlops command when the process died instead, at whatever
// step (workspace.cpp describes the steps; each can be interrupted and run again).
#pragma once

#include "exp/store.hpp"

#include <map>
#include <string>

namespace mlops::exp {

class ParamsOverride {
 public:
  // `files`: absolute path -> new content. Error{conflict} when another live run holds an
  // override in this workspace.
  ParamsOverride(Repo& r, const std::string& run_id, const std::map<stdfs::path, std::string>& files);
  ~ParamsOverride();
  ParamsOverride(const ParamsOverride&) = delete;
  ParamsOverride& operator=(const ParamsOverride&) = delete;

  // Puts the originals back (unless the user edited a file meanwhile: then theirs stays and
  // the original is kept next to the record). Returns what the user must be told.
  std::vector<std::string> restore();

 private:
  stdfs::path m_record;
  int m_lock_fd = -1;
  bool m_restored = false;
};

}  // namespace mlops::exp
