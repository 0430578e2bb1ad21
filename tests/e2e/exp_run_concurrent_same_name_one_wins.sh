#!/usr/bin/env bash
# Eight `mlops exp run -n same` started at once: exactly one is recorded under that name, the others stop with exit 6 before running their command.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
# A large modified tracked file: each run takes a moment to snapshot it, between checking the
# name and recording the run, so that the eight runs overlap there.
echo small >data.bin
git add data.bin
git commit -q -m data
head -c 30000000 /dev/zero >data.bin
pids=()
for i in $(seq 8); do
  mlops exp run -n same -- sh -c "echo $i >>'$TEST_DIR/ran'; sleep 0.3" >"$TEST_DIR/out.$i" 2>"$TEST_DIR/err.$i" &
  pids+=("$!")
done
ok=0 conflict=0
for i in $(seq 8); do
  rc=0
  wait "${pids[$((i - 1))]}" || rc=$?
  case $rc in
    0) ok=$((ok + 1)) ;;
    6) conflict=$((conflict + 1)); expect_contains "$TEST_DIR/err.$i" "a run named 'same' exists" ;;
    *) cat "$TEST_DIR/err.$i" >&2; fail "run $i exited $rc" ;;
  esac
done
expect_eq "$ok/$conflict" "1/7" "succeeded/refused"
expect_eq "$(wc -l <"$TEST_DIR/ran")" 1 "commands that ran"
expect_eq "$(git for-each-ref refs/mlops/exps | wc -l)" 1 "run refs"
expect_exit 0 mlops --json exp show same
expect_json "$TEST_DIR/out" .status completed
