#!/usr/bin/env bash
# A Slurm task whose command exits 3 is recorded as a failed run with exit code 3 and the tail of its output in the run commit; exp wait exits 1, the other point completes.
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

exp_repo a
cd a
expect_exit 0 mlops exp run --executor slurm -S lr=0.1,0.2 -- sh -c 'if grep -q "lr: 0.2" params.yaml; then echo "boom at lr 0.2"; echo "bad news" >&2; exit 3; fi; echo fine'
sweep=$(cat "$TEST_DIR/out")
wait_sweep "$sweep" && fail "exp wait should exit 1"
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '.points[0].state' completed
expect_json "$TEST_DIR/out" '.points[1].state' failed
expect_json "$TEST_DIR/out" '.points[1].exit_code' 3
run=$(jq -r '.points[1].run' "$TEST_DIR/out")
expect_contains <(git show "refs/mlops/exps/$run:logs/stdout") "boom at lr 0.2"
expect_contains <(git show "refs/mlops/exps/$run:logs/stderr") "bad news"

