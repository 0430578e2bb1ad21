#!/usr/bin/env bash
# The scheduler tools a client runs die with it (PR_SET_PDEATHSIG): a client killed with kill -9
# while sbatch hangs leaves no sbatch behind to submit a job later, and the sweep shows its points
# `submitting`.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

exp_repo a
cd a
FAKE_SLURM_HANG=sbatch "$MLOPS" exp run --executor slurm -S lr=0.1,0.2 -- true >/dev/null 2>&1 &
client=$!
KILL_ON_EXIT+=("$client")
for _ in $(seq 300); do [ -s "$FAKE_SLURM_DIR/hang.pid" ] && break; sleep 0.1; done
[ -s "$FAKE_SLURM_DIR/hang.pid" ] || fail "sbatch never started"
tool=$(cat "$FAKE_SLURM_DIR/hang.pid")
KILL_ON_EXIT+=("$tool")
kill -KILL "$client"
wait "$client" || true
for _ in $(seq 300); do kill -0 "$tool" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$tool" 2>/dev/null; then fail "sbatch (pid $tool) outlived the client killed while it ran"; fi
sweep=$(git for-each-ref --format='%(refname:lstrip=3)' refs/mlops/sweeps/)
expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '[.points[].state] | unique | join(",")' submitting
