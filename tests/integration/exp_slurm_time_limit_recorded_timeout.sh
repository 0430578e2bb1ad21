#!/usr/bin/env bash
# A Slurm task still running at its --time gets SIGTERM before the kill (sbatch --signal, passed on by the task): its run is recorded with status timeout and the output it printed, and exp status shows timeout.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

exp_repo a
cd a
# The command notes the SIGTERM it gets, so the record shows it came before any SIGKILL. --time 2:
# Slurm checks limits about every 30 s, so a 1-minute job may meet its limit before the warning.
expect_exit 0 mlops exp run --executor slurm --time 2 -S lr=0.1 -- sh -c 'trap "echo got TERM; exit 143" TERM; echo started; sleep 300 & wait'
sweep=$(cat "$TEST_DIR/out")
timeout 260 "$MLOPS" exp wait "$sweep" >"$TEST_DIR/out" 2>"$TEST_DIR/err" && fail "exp wait should exit 1 after a time limit"
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[0].state' timeout
run=$(jq -r '.points[0].run' "$TEST_DIR/out")
expect_eq "$(git show "refs/mlops/exps/$run:run.json" | jq -r .status)" timeout "the run's own record"
expect_contains <(git show "refs/mlops/exps/$run:logs/stdout") "started"
expect_contains <(git show "refs/mlops/exps/$run:logs/stdout") "got TERM"
