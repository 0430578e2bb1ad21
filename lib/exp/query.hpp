// SPDX-License-Identifier: MIT
#pragma once

#include "exp/store.hpp"

#include <string>

namespace mlops::exp {

// The run id for RUN (id, unique id prefix of 4+ characters, or name), and its commit.
std::string resolve_run(Repo& r, const std::string& spec, std::string* commit = nullptr);

}  // namespace mlops::exp
