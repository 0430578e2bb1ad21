#!/usr/bin/env bash
# `mlops exp gc` removes the live directories and worktrees that SIGKILLed runs left, keeps those of a run still going, drops unreferenced kept outputs and packs the refs.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'params: [params.yaml]\nmetrics: [metrics.json]\noutputs: [out/]\n' >mlops.yaml
git commit -q -am outputs

# start_and_kill NAME ARGS...: start a run in its own process group, SIGKILL it once it is recorded.
start_and_kill() {
  local name=$1 leader
  shift
  setsid "$MLOPS" exp run -n "$name" "$@" -- sleep 30 >/dev/null 2>&1 &
  leader=$!
  KILL_ON_EXIT+=("-$leader")
  for _ in $(seq 100); do
    [ "$(exp_field "$name" .status 2>/dev/null)" = running ] && break
    sleep 0.05
  done
  [ "$(exp_field "$name" .status)" = running ] || fail "$name never showed as running"
  kill -KILL -- "-$leader"
  wait "$leader" 2>/dev/null || true
}
start_and_kill in-place
start_and_kill isolated --isolated
crashed1=$(exp_field in-place .id)
crashed2=$(exp_field isolated .id)
[ -d ".git/mlops/live/$crashed1" ] || fail "setup: no live directory for the killed run"
[ -d ".git/mlops/worktrees/$crashed2" ] || fail "setup: no worktree for the killed isolated run"

# Kept outputs: one run whose output stays referenced, one removed.
expect_exit 0 mlops exp run -S lr=0.1,0.2 -- sh -c 'mkdir -p out; sed -n "s/^lr: //p" params.yaml >out/lr.txt'
mlops --json exp list | jq '[.[] | select(.sweep != null)]' >"$TEST_DIR/sweep.json"
expect_json "$TEST_DIR/sweep.json" length 2
kept=$(jq -r '.[] | select(.params.lr == 0.1) | .artifacts[0].sha256' "$TEST_DIR/sweep.json")
gone=$(jq -r '.[] | select(.params.lr == 0.2) | .artifacts[0].sha256' "$TEST_DIR/sweep.json")
[ "$kept" != "$gone" ] || fail "setup: both runs kept the same output"
expect_exit 0 mlops exp rm "$(jq -r '.[] | select(.params.lr == 0.2) | .name' "$TEST_DIR/sweep.json")"

# A run still going: gc leaves it alone.
setsid "$MLOPS" exp run -n alive -- sleep 30 >/dev/null 2>&1 &
alive_pid=$!
KILL_ON_EXIT+=("-$alive_pid")
for _ in $(seq 100); do [ "$(exp_field alive .status 2>/dev/null)" = running ] && break; sleep 0.05; done
alive=$(exp_field alive .id)

expect_exit 0 mlops --json exp gc
expect_json "$TEST_DIR/out" .live_dirs 2
expect_json "$TEST_DIR/out" .worktrees 1
expect_json "$TEST_DIR/out" .outputs 1
expect_json "$TEST_DIR/out" .packed true
expect_no_path ".git/mlops/live/$crashed1"
expect_no_path ".git/mlops/live/$crashed2"
expect_no_path ".git/mlops/worktrees/$crashed2"
[ -d ".git/mlops/live/$alive" ] || fail "gc removed the live directory of a running run"
expect_file ".git/mlops/outputs/sha256/${kept:0:2}/$kept"
expect_no_path ".git/mlops/outputs/sha256/${gone:0:2}/$gone"
[ -z "$(find .git/refs/mlops/exps -type f)" ] || fail "loose run refs left after packing: $(find .git/refs/mlops/exps -type f)"
expect_eq "$(grep -c ' refs/mlops/exps/' .git/packed-refs)" "$(git for-each-ref refs/mlops/exps | wc -l)" "packed run refs"
expect_eq "$(git for-each-ref refs/mlops/exps | wc -l)" 4 "runs after gc"
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" '[.[] | select(.name == "in-place" or .name == "isolated") | .status] | join(",")' "crashed,crashed"
expect_json "$TEST_DIR/out" '.[] | select(.name == "alive") | .status' running
expect_fsck_clean

# The running run still finishes normally after gc (its ref was packed meanwhile).
kill -TERM "$alive_pid"
rc=0
wait "$alive_pid" || rc=$?
expect_eq "$rc" 143 "exit code of the run stopped after gc"
expect_eq "$(exp_field alive .status)" interrupted "status of the run stopped after gc"
