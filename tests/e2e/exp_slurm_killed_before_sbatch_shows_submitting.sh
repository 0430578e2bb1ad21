#!/usr/bin/env bash
# A client killed (kill -9) after it wrote the `submitting` entry and before sbatch made a job: the
# manifest says a submission was under way, exp status shows its points `submitting` (final: the
# client is gone), and --resume, finding no job by the sweep's name, submits them again in place of
# that entry.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
FAKE_SLURM_KILL_PARENT=before expect_exit 137 mlops exp run --executor slurm -S lr=0.1,0.2,0.3 -- true
sweep=$(git for-each-ref --format='%(refname:lstrip=3)' refs/mlops/sweeps/)
[ -n "$sweep" ] || fail "the manifest is written before sbatch"
expect_eq "$(git show "refs/mlops/sweeps/$sweep:sweep.json" | jq -c '.submissions | map([.job, .submitting, .indexes])')" \
  '[[null,true,[0,1,2]]]' "the submission recorded before sbatch"
expect_exit 1 mlops --json exp status "$sweep"
for i in 0 1 2; do expect_json "$TEST_DIR/out" ".points[$i].state" submitting; done
expect_json "$TEST_DIR/out" '.finished' true
expect_exit 1 mlops exp status "$sweep"
expect_contains "$TEST_DIR/out" "submitting"
# No job of the sweep's name exists: --resume submits every point, once.
expect_exit 0 mlops exp run --resume "$sweep"
expect_eq "$(grep -c '^sbatch' "$FAKE_SLURM_DIR/calls")" 2 "sbatch calls (the killed one and the resubmission)"
expect_eq "$(git show "refs/mlops/sweeps/$sweep:sweep.json" | jq -c '.submissions | map([.job, .submitting, .indexes])')" \
  '[["100",null,[0,1,2]]]' "the submission after --resume"
expect_exit 0 mlops --json exp status "$sweep"
for i in 0 1 2; do expect_json "$TEST_DIR/out" ".points[$i].state" queued; done
expect_json "$TEST_DIR/out" '.points[2].job' 100_2
