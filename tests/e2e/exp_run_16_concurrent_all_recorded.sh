#!/usr/bin/env bash
# 16 `mlops exp run` started at once in one workspace all succeed and are all recorded: 16 refs, 16 distinct names, a clean fsck, no lock files left.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
pids=()
for i in $(seq 16); do
  # shellcheck disable=SC2016  # $RANDOM is for the run's shell
  mlops exp run -- sh -c 'echo $RANDOM > /dev/null' >"$TEST_DIR/out.$i" 2>"$TEST_DIR/err.$i" &
  pids+=("$!")
done
failed=0
for i in $(seq 16); do
  rc=0
  wait "${pids[$((i - 1))]}" || rc=$?
  if [ "$rc" != 0 ]; then
    echo "run $i exited $rc:" >&2
    cat "$TEST_DIR/err.$i" >&2
    failed=1
  fi
done
[ "$failed" = 0 ] || fail "not every concurrent run succeeded"

expect_eq "$(git for-each-ref refs/mlops/exps | wc -l)" 16 "run refs"
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" 'length' 16
expect_json "$TEST_DIR/out" '[.[].name] | unique | length' 16
expect_json "$TEST_DIR/out" '[.[].id] | unique | length' 16
expect_json "$TEST_DIR/out" '[.[].status] | unique | join(",")' completed
expect_json "$TEST_DIR/out" '[.[].exit_code] | unique | join(",")' 0
# Each name resolves to exactly one run.
for name in $(jq -r '.[].name' "$TEST_DIR/out"); do
  expect_exit 0 mlops --json exp show "$name"
done
expect_fsck_clean
# Nothing half-done: no git lock files, no temporary files, no live run directories. (names.lock
# is mlops's flock(2) file: it stays, and is never "held" by its existence.)
leftovers=$(find .git \( -name '*.lock' -o -name '*.tmp-*' \) ! -path .git/mlops/names.lock)
[ -z "$leftovers" ] || fail "left behind: $leftovers"
[ -z "$(ls -A .git/mlops/live 2>/dev/null)" ] || fail "live run directories left: $(ls .git/mlops/live)"
expect_eq "$(git --no-optional-locks status --porcelain)" "" "status"
