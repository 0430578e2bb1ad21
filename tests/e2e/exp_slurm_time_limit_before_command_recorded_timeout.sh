#!/usr/bin/env bash
# Slurm's time-limit warning (sbatch --signal=B:USR2@60) that reaches a task before its command
# started (here: pending, under a blocked mask inherited by the task) has the point recorded
# `timeout` without running the command; one that comes while the command runs is passed on as
# SIGTERM and the run is recorded `timeout` with what the command printed.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
# shellcheck disable=SC2016  # $HOME is the task's
expect_exit 0 mlops exp run --executor slurm -S lr=0.1 -- sh -c 'echo ran >>"$HOME/ran"'
sweep=$(cat "$TEST_DIR/out")
# USR2 blocked and pending when mlops starts, as a signal that came before its handler was set.
usr2_pending() { perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGUSR2)); kill "USR2", $$; exec @ARGV or die "exec: $!"' "$@"; }
SLURM_ARRAY_TASK_ID=0 expect_exit 143 usr2_pending "$MLOPS" exp __task --sweep "$sweep" --offset 0
expect_no_path "$HOME/ran"
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[0].state' timeout
run=$(jq -r '.points[0].run' "$TEST_DIR/out")
expect_eq "$(git show "refs/mlops/exps/$run:run.json" | jq -r .status)" timeout "the run's own record"
expect_eq "$(git show "refs/mlops/exps/$run:run.json" | jq -r .exit_code)" null "no exit code: the command never ran"
expect_contains <(git show "refs/mlops/exps/$run:run.json" | jq -r '.warnings[]') "before the command started"

# While the command runs: the warning to the task (its parent) becomes SIGTERM to the command.
# shellcheck disable=SC2016  # for the task's shell
expect_exit 0 mlops exp run --executor slurm -S lr=0.2 -- \
  sh -c 'sleep 30 & trap "kill $!; echo got TERM; exit 143" TERM; echo started; kill -USR2 $PPID; wait'
sweep=$(cat "$TEST_DIR/out")
SLURM_ARRAY_TASK_ID=0 expect_exit 143 mlops exp __task --sweep "$sweep" --offset 0
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[0].state' timeout
run=$(jq -r '.points[0].run' "$TEST_DIR/out")
expect_contains <(git show "refs/mlops/exps/$run:logs/stdout") "got TERM"
