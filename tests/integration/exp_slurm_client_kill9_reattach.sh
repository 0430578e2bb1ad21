#!/usr/bin/env bash
# The client of `exp run --executor slurm --wait` killed with kill -9 at random points (grid, submission, waiting), six times: exp status re-attaches, --resume submits what never went, and every point runs exactly once (no duplicate, none lost) with no job of the sweep left in the queue (no orphan).
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/slurm.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/slurm.sh"
use_slurm

exp_repo a
cd a
mkdir -p "$TEST_DIR/ran"
RANDOM=16 # reproducible kill points
for round in 1 2 3 4 5 6; do
  # Each point appends to its own file in the shared test directory: a duplicate shows as two lines.
  "$MLOPS" exp run --executor slurm --wait -S "lr=$round.1,$round.2,$round.3" -- \
    sh -c "grep '^lr:' params.yaml >>'$TEST_DIR/ran/'\"\$(grep '^lr:' params.yaml | tr -d ' :')\"" >/dev/null 2>&1 &
  pid=$!
  KILL_ON_EXIT+=("$pid")
  sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
sweeps=$(git for-each-ref --format='%(refname:lstrip=3)' refs/mlops/sweeps/)
for sweep in $sweeps; do
  mlops --json exp status "$sweep" >"$TEST_DIR/st.json" || true
  jq -e '.points | length == 3' "$TEST_DIR/st.json" >/dev/null || fail "sweep $sweep: exp status did not re-attach: $(cat "$TEST_DIR/st.json")"
  expect_exit 0 mlops exp run --resume "$sweep"
done
for sweep in $sweeps; do
  wait_sweep "$sweep" || { cat "$TEST_DIR/out" "$TEST_DIR/err" >&2; fail "sweep $sweep did not complete"; }
  squeue -h --name="mlops-$sweep" -o '%i %T' >"$TEST_DIR/q"
  [ ! -s "$TEST_DIR/q" ] || fail "sweep $sweep still has jobs: $(cat "$TEST_DIR/q")"
done
# Every point that a manifest names ran once; a point of a round killed before its manifest was never submitted.
for f in "$TEST_DIR"/ran/*; do
  [ -e "$f" ] || continue
  [ "$(wc -l <"$f")" = 1 ] || fail "$(basename "$f") ran $(wc -l <"$f") times"
done
n=0
for sweep in $sweeps; do n=$((n + 3)); done
expect_eq "$(find "$TEST_DIR/ran" -type f | wc -l)" "$n" "points run"
expect_eq "$(git for-each-ref refs/mlops/exps | wc -l)" "$n" "run refs"
# No job named after a sweep this repository does not know.
squeue -h -o '%j' | grep '^mlops-' | sort -u >"$TEST_DIR/names" || true
while read -r name; do
  git rev-parse -q --verify "refs/mlops/sweeps/${name#mlops-}" >/dev/null || fail "orphaned job $name"
done <"$TEST_DIR/names"
