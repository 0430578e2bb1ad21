#!/usr/bin/env bash
# A stage whose run was killed (kill -9 of mlops and its command) is stale afterwards, even
# when what it left looks exactly like its last complete output; the next repro runs it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >mlops.yaml <<'YAML'
stages:
  slow:
    cmd: echo done > out.txt && if [ -e ../slow ]; then echo $$ > ../child.pid; sleep 30; fi
    outs: [out.txt]
YAML
expect_exit 0 mlops repro
expect_exit 0 mlops status
expect_contains "$TEST_DIR/err" "up to date"

touch ../slow
start_repro --force
kill -KILL "$leader"
kill -KILL -- "-$child"
wait "$leader" 2>/dev/null || true
rm ../slow

expect_eq "$(cat out.txt)" "done" "the output looks complete"
expect_exit 0 mlops status --why
expect_contains "$TEST_DIR/out" "slow: its last run did not finish"
expect_exit 0 mlops repro
expect_contains "$TEST_DIR/err" "running slow"
expect_exit 0 mlops status
expect_contains "$TEST_DIR/err" "up to date"
