#!/usr/bin/env bash
# Two stages writing one output, or one writing inside the other's output directory, are
# refused with FILE:LINE, exit 4 (parallel stages must have disjoint outputs).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >mlops.yaml <<'YAML'
stages:
  one: {cmd: echo 1 > out.txt, outs: [out.txt]}
  two: {cmd: echo 2 > out.txt, outs: [./out.txt]}
YAML
expect_exit 4 mlops repro
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops.yaml:3: 'out.txt' is an output of stage 'one' and of stage 'two'"

cat >mlops.yaml <<'YAML'
stages:
  one: {cmd: mkdir -p data && echo 1 > data/a, outs: [data]}
  two: {cmd: echo 2 > data/b, outs: [data/b]}
YAML
expect_exit 4 mlops repro
expect_clean_error
expect_contains "$TEST_DIR/err" "output 'data/b' of stage 'two' is inside output 'data' of stage 'one'"
expect_no_path data
