#!/usr/bin/env bash
# A client killed (kill -9) right after sbatch, before it recorded the job id in the sweep manifest: exp status finds the job by its name and records it, --resume submits nothing twice, and exp cancel cancels it (no orphaned job).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
FAKE_SLURM_KILL_PARENT=1 expect_exit 137 mlops exp run --executor slurm -S lr=0.1,0.2,0.3 -- true
sweep=$(git for-each-ref --format='%(refname:lstrip=3)' refs/mlops/sweeps/)
[ -n "$sweep" ] || fail "the manifest is written before sbatch"
expect_eq "$(git show "refs/mlops/sweeps/$sweep:sweep.json" | jq -c '.submissions | map([.job, .submitting])')" '[[null,true]]' \
  "the killed client recorded the submission as under way, without its job id"
expect_exit 0 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[2].state' queued
expect_json "$TEST_DIR/out" '.points[2].job' 100_2
expect_eq "$(git show "refs/mlops/sweeps/$sweep:sweep.json" | jq -c '.submissions | map([.job, .offset, .indexes, .submitting])')" \
  '[["100",0,[0,1,2],null]]' "the job recorded by exp status, in place of the entry"
# Nothing is missing, so nothing is submitted again.
expect_exit 0 mlops exp run --resume "$sweep"
expect_eq "$(grep -c '^sbatch' "$FAKE_SLURM_DIR/calls")" 1 "sbatch calls"
expect_exit 0 mlops exp cancel "$sweep"
expect_exit 1 mlops --json exp status "$sweep"
for i in 0 1 2; do expect_json "$TEST_DIR/out" ".points[$i].state" cancelled; done
