// SPDX-License-Identifier: MIT
// What `check` and `report` look at: a run, or a revision (the values of the metrics and
// params files committed there, else its newest completed run).
#pragma once

#include <mlops/ci.hpp>
#include <mlops/exp.hpp>

#include <string>

namespace mlops::ci {

// ListOptions for every run of the repository (all = true).
inline exp::ListOptions every_run() {
  exp::ListOptions o;
  o.all = true;
  return o;
}

struct Resolved {
  Subject subject;
  exp::Run run;  // for a revision's files: params and metrics only
};

// RUN, else --rev REV, else the newest run of HEAD's recent history. Error{not_found} /
// Error{usage} as exp::show, or when there is no run at all.
Resolved resolve_subject(const stdfs::path& cwd, const std::string& run, const std::string& rev);
// --against: a run first, then a revision (its committed metrics files, else its newest
// completed run but `exclude`). Error{not_found} explaining a revision with neither.
Resolved resolve_baseline(const stdfs::path& cwd, const std::string& spec, const std::string& exclude);

}  // namespace mlops::ci
