#!/usr/bin/env bash
# With -j 2, two independent stages run at the same time: each waits for the other to have
# started (it would wait in vain, and fail, if they ran one after the other); each line of
# their output comes prefixed by the stage's name.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >mlops.yaml <<'YAML'
stages:
  left:
    cmd: touch left.started && for i in $(seq 400); do [ -e right.started ] && break; sleep 0.05; done && test -e right.started && echo hello from left > left.out && echo left says hi
    outs: [left.out]
  right:
    cmd: touch right.started && for i in $(seq 400); do [ -e left.started ] && break; sleep 0.05; done && test -e left.started && echo hello from right > right.out && echo right says hi
    outs: [right.out]
YAML
expect_exit 0 mlops repro -j 2
expect_contains "$TEST_DIR/err" "[left] left says hi"
expect_contains "$TEST_DIR/err" "[right] right says hi"
expect_file left.out
expect_file right.out
