// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <string>

namespace mlops::exp {

// "brisk-otter": a random adjective-noun, retried (then numbered) until `taken` says no.
std::string generate_name(const std::function<bool(const std::string&)>& taken);
// Letters, digits, '.', '_' and '-', not starting with '-', at most 64 characters.
bool is_valid_run_name(const std::string& name);

}  // namespace mlops::exp
