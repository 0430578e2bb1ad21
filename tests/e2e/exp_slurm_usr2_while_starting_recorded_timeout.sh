#!/usr/bin/env bash
# Slurm's time-limit warning (--signal=B:USR2@60) can reach a task while mlops is still starting
# (a --time of a minute or two). The batch script ignores USR2 before it execs mlops, and mlops
# holds it pending from its first instruction until the task's handler takes it: the point is
# recorded `timeout` without running the command, the task is not killed by the signal. The
# command itself starts with USR2 neither ignored nor blocked.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

# batch JOB: the job's batch script (its --wrap) run by sh in its --chdir, as slurmstepd runs it.
batch() { (cd "$(sed -n 4p "$FAKE_SLURM_DIR/jobs/$1")" && sh -c "$(sed -n 5p "$FAKE_SLURM_DIR/jobs/$1")"); }

exp_repo a
cd a
# shellcheck disable=SC2016  # $HOME is the task's
expect_exit 0 mlops exp run --executor slurm -S lr=0.1 -- sh -c 'echo ran >>"$HOME/ran"'
sweep=$(cat "$TEST_DIR/out")
wrap=$(sed -n 5p "$FAKE_SLURM_DIR/jobs/100")  # the batch script sbatch was given
[[ $wrap == "trap '' USR2; exec "* ]] || fail "the batch script does not ignore USR2 first: $wrap"
# The hook raises USR2 as mlops' first act, before the task's handler exists.
SLURM_ARRAY_TASK_ID=0 MLOPS_TEST_USR2_AT_START=1 expect_exit 143 batch 100
expect_no_path "$HOME/ran"
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[0].state' timeout
run=$(jq -r '.points[0].run' "$TEST_DIR/out")
expect_eq "$(git show "refs/mlops/exps/$run:run.json" | jq -r .status)" timeout "the run's own record"

# shellcheck disable=SC2016  # for the command's shell
expect_exit 0 mlops exp run --executor slurm -S lr=0.2 -- sh -c 'grep -E "^Sig(Blk|Ign)" /proc/$$/status >"$HOME/sig"'
SLURM_ARRAY_TASK_ID=0 expect_exit 0 batch 101
# USR2 is signal 12: bit 0x800 of the masks.
while read -r name mask; do
  (((0x$mask & 0x800) == 0)) || fail "the command started with USR2 in $name $mask"
done <"$HOME/sig"
expect_eq "$(wc -l <"$HOME/sig")" 2 "SigBlk and SigIgn read"
