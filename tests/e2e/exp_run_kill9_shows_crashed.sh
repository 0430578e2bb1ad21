#!/usr/bin/env bash
# An `exp run` killed with SIGKILL is listed as running while alive and as crashed after; git stays consistent; the next mlops command puts an overridden params.yaml back and says so.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
params_before=$(sha256sum params.yaml)

# setsid: mlops and its command in a process group of their own, killed together.
setsid "$MLOPS" exp run -n victim -S lr=0.5 -- sleep 30 >"$TEST_DIR/run.out" 2>"$TEST_DIR/run.err" &
leader=$!
KILL_ON_EXIT+=("-$leader")
status=""
for _ in $(seq 100); do
  status=$("$MLOPS" --json exp list | jq -r '.[] | select(.name == "victim") | .status')
  [ "$status" = running ] && break
  sleep 0.05
done
[ "$status" = running ] || { cat "$TEST_DIR/run.err" >&2; fail "the run is not listed as running (status '$status')"; }
pgrep -g "$leader" -x sleep >/dev/null || fail "the command is not running in the run's process group"
expect_eq "$(grep '^lr:' params.yaml)" "lr: 0.5" "params.yaml while the run is going"
expect_exit 0 mlops --json exp show victim
expect_json "$TEST_DIR/out" .status running

kill -KILL -- "-$leader"
wait "$leader" 2>/dev/null || true
for _ in $(seq 50); do pgrep -g "$leader" >/dev/null || break; sleep 0.05; done
pgrep -g "$leader" >/dev/null && fail "processes of the killed run are still alive"

expect_fsck_clean
# The first mlops command after the crash restores params.yaml and says so.
expect_exit 0 mlops --json exp list --all
expect_contains "$TEST_DIR/err" "restored"
expect_contains "$TEST_DIR/err" "params.yaml"
expect_eq "$(sha256sum params.yaml)" "$params_before" "params.yaml after recovery"
expect_json "$TEST_DIR/out" '.[] | select(.name == "victim") | .status' crashed
expect_json "$TEST_DIR/out" '.[] | select(.name == "victim") | .exit_code' null
expect_exit 0 mlops exp list --all
expect_not_contains "$TEST_DIR/err" "restored"  # only once
expect_exit 0 mlops --json exp show victim
expect_json "$TEST_DIR/out" .status crashed
expect_json "$TEST_DIR/out" .params.lr 0.5
expect_exit 0 mlops exp show victim
expect_contains "$TEST_DIR/out" "crashed"
expect_eq "$(git --no-optional-locks status --porcelain)" "" "status after recovery"
