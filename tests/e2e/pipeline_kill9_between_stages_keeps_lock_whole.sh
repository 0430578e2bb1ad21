#!/usr/bin/env bash
# mlops.lock is written without a directory sync per stage (one at the end): a kill -9 in the
# middle of a chain leaves a whole lock that records the stages that finished, the stage cut
# short stale, and the next repro runs only what is left.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >mlops.yaml <<'YAML'
stages:
  a:
    cmd: echo a >> runs.log && echo a > a.txt
    outs: [a.txt]
  b:
    cmd: echo b >> runs.log && cat a.txt > b.txt
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: echo c >> runs.log && cat b.txt > c.txt && if [ -e ../slow ]; then echo $$ > ../child.pid; sleep 30; fi
    deps: [b.txt]
    outs: [c.txt]
  d:
    cmd: echo d >> runs.log && cat c.txt > d.txt
    deps: [c.txt]
    outs: [d.txt]
YAML
touch ../slow
start_repro
kill -KILL "$leader"
kill -KILL -- "-$child"
wait "$leader" 2>/dev/null || true
rm ../slow

# The lock is whole YAML and records a and b; no temporary file is taken for it.
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '[.stages[] | select(.stale) | .stage] | join(",")' "c,d"
expect_exit 0 mlops status --why
expect_contains "$TEST_DIR/out" "c: its last run did not finish"
mark=$(wc -l <runs.log)
expect_exit 0 mlops repro
expect_eq "$(runs_since "$mark")" "c d"
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '[.stages[] | select(.stale)] | length' "0"
