#!/usr/bin/env bash
# A second `mlops repro` while one is running waits for it (no "locked" error), then finds
# the pipeline up to date.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >mlops.yaml <<'YAML'
stages:
  s:
    cmd: touch ../started && for i in $(seq 600); do [ -e ../go ] && break; sleep 0.05; done && echo ok > out.txt
    outs: [out.txt]
YAML
setsid "$MLOPS" repro >"$TEST_DIR/first.out" 2>"$TEST_DIR/first.err" &
first=$!
KILL_ON_EXIT+=("-$first")
for _ in $(seq 200); do [ -e ../started ] && break; sleep 0.05; done
[ -e ../started ] || { cat "$TEST_DIR/first.err" >&2; fail "the first repro did not start its stage"; }
setsid "$MLOPS" repro >"$TEST_DIR/second.out" 2>"$TEST_DIR/second.err" &
second=$!
KILL_ON_EXIT+=("-$second")
for _ in $(seq 200); do grep -q waiting "$TEST_DIR/second.err" && break; sleep 0.05; done
expect_contains "$TEST_DIR/second.err" "another mlops repro is running in this project; waiting for it"
touch ../go
wait "$first" || fail "the first repro failed"
wait "$second" || { cat "$TEST_DIR/second.err" >&2; fail "the second repro failed"; }
expect_contains "$TEST_DIR/second.err" "pipeline is up to date"
expect_eq "$(cat out.txt)" ok
