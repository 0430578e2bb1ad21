// SPDX-License-Identifier: MIT
// `repro --executor NAME` for a scheduler: one job per stage that must run, dependencies as
// the scheduler's afterok (docs/formats.md "Pipelines on a scheduler").
#pragma once

#include "pipeline/stages.hpp"

#include <mlops/pipeline.hpp>

namespace mlops::pipeline {

// Submits the selected stages that must run (and every stage downstream of one that does),
// in graph order; with o.wait, waits for the jobs and reads mlops.lock to tell which ran.
// Error{usage} for an unknown executor, Error{remote} when the scheduler refuses a job.
ReproResult dispatch(const stdfs::path& project, const ReproOptions& o);

}  // namespace mlops::pipeline
