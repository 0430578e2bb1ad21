// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace mlops::exp {

// "brisk-otter": a random adjective-noun, retried (then numbered) until `taken` says no.
std::string generate_name(const std::function<bool(const std::string&)>& taken);
// Letters, digits, '.', '_' and '-', not starting with '-', at most 64 characters.
bool is_valid_run_name(const std::string& name);
// True when `name` would be read as (a prefix of) the id of one of `ids`, or of its random
// part, where a run is named: such a name would make that run's short id ambiguous.
bool name_reads_as_id(const std::string& name, const std::vector<std::string>& ids);

struct Repo;
// `exp run -n NAME`: Error{usage} when NAME is not a valid run name, is a ULID, or reads as
// an existing run's id prefix (the name would shadow its short id).
void check_new_run_name(Repo& r, const std::string& name);

}  // namespace mlops::exp
