#!/usr/bin/env bash
# SIGINT sent to `mlops repro` reaches the running stage's command (in its own process
# group), mlops exits 130, and the stage is stale afterwards.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >mlops.yaml <<'YAML'
stages:
  s:
    cmd: trap 'echo interrupted > ../int.txt; exit 130' INT; touch ../started; for i in $(seq 600); do sleep 0.05; done; echo ok > out.txt
    outs: [out.txt]
YAML
setsid "$MLOPS" repro >"$TEST_DIR/run.out" 2>"$TEST_DIR/run.err" &
pid=$!
KILL_ON_EXIT+=("-$pid")
for _ in $(seq 200); do [ -e ../started ] && break; sleep 0.05; done
[ -e ../started ] || { cat "$TEST_DIR/run.err" >&2; fail "the stage did not start"; }
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
expect_eq "$rc" 130 "exit code after SIGINT"
expect_file ../int.txt
expect_no_path out.txt
expect_exit 0 mlops status --why
expect_contains "$TEST_DIR/out" "s: its last run did not finish"
