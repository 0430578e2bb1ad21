#!/usr/bin/env bash
# While `mlops repro` runs a stage, `mlops status` says the stage is running (text, --why and
# --json), not that its last run did not finish; once the repro is killed with kill -9, the
# same stage reads as not finished, even while its orphaned command still runs (the lock is
# the repro's, not inherited by the command).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >mlops.yaml <<'YAML'
stages:
  slow:
    cmd: echo $$ > ../child.pid && while [ ! -e ../go ]; do sleep 0.05; done && echo done > out.txt
    outs: [out.txt]
YAML
start_repro

expect_exit 0 mlops status
expect_eq "$(cat "$TEST_DIR/out")" "slow: running" "status while the stage runs"
expect_exit 0 mlops status --why
expect_contains "$TEST_DIR/out" "slow: it is running now"
expect_not_contains "$TEST_DIR/out" "did not finish"
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '.stages[0].state' running
expect_json "$TEST_DIR/out" '.stages[0].running' true

kill -KILL "$leader"
wait "$leader" 2>/dev/null || true
kill -0 "$child" || fail "the stage's command should outlive the repro"
expect_exit 0 mlops status --why
expect_contains "$TEST_DIR/out" "slow: its last run did not finish"
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '.stages[0].state' stale
expect_json "$TEST_DIR/out" '.stages[0].running' false
kill -KILL -- "-$child"

# The next repro runs it and the stage is up to date, not running.
touch ../go
expect_exit 0 mlops repro
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '.stages[0].state' "up to date"
