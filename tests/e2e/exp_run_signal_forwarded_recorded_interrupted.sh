#!/usr/bin/env bash
# SIGTERM (or SIGINT) sent to `mlops exp run` reaches the command; the run is recorded as interrupted and mlops exits 143 (130 for SIGINT).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
# The command notes the signal it got, then exits the way a shell does on it.
cat >train.sh <<'SH'
#!/bin/sh
trap 'echo "got $1" >"$2"; trap - TERM INT; kill -s "$1" $$' "$1"
echo ready >"$2.ready"
while :; do sleep 0.05; done
SH
for sig in TERM INT; do
  rm -f "$TEST_DIR/seen" "$TEST_DIR/seen.ready"
  # setsid: a group of its own, so that a failure here kills the command too.
  setsid "$MLOPS" exp run -n "stop-$sig" -- sh train.sh "$sig" "$TEST_DIR/seen" >"$TEST_DIR/run.out" 2>"$TEST_DIR/run.err" &
  pid=$!
  KILL_ON_EXIT+=("-$pid")
  for _ in $(seq 200); do [ -f "$TEST_DIR/seen.ready" ] && break; sleep 0.05; done
  [ -f "$TEST_DIR/seen.ready" ] || fail "the command did not start"
  kill -s "$sig" "$pid"  # mlops alone: it must forward the signal
  rc=0
  wait "$pid" || rc=$?
  want=$([ "$sig" = TERM ] && echo 143 || echo 130)
  [ "$rc" = "$want" ] || { cat "$TEST_DIR/run.err" >&2; fail "SIG$sig: mlops exited $rc, expected $want"; }
  expect_eq "$(cat "$TEST_DIR/seen" 2>/dev/null)" "got $sig" "what the command received"
  expect_exit 0 mlops --json exp show "stop-$sig"
  expect_json "$TEST_DIR/out" .status interrupted
  expect_json "$TEST_DIR/out" .exit_code "$want"
  expect_json "$TEST_DIR/out" .signal "$((want - 128))"
done
pgrep -f 'train.sh (TERM|INT)' >/dev/null && fail "a command outlived its run"
exit 0
