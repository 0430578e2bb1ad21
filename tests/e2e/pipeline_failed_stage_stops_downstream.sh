#!/usr/bin/env bash
# A failing command fails repro (exit 1, the stage named); its downstream does not run, and
# with --keep-going the stages that do not depend on it still run. The failed stage is stale.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >mlops.yaml <<'YAML'
stages:
  bad: {cmd: echo half > bad.out && exit 3, outs: [bad.out]}
  after: {cmd: cp bad.out after.out, deps: [bad.out], outs: [after.out]}
  other: {cmd: echo ok > other.out, outs: [other.out]}
YAML
expect_exit 1 mlops repro -j 1
expect_contains "$TEST_DIR/err" "stage 'bad' failed: 'echo half > bad.out && exit 3' failed with exit code 3"
expect_contains "$TEST_DIR/err" "mlops: error: stage failed: bad"
expect_no_path after.out
expect_no_path other.out
expect_exit 1 mlops repro --keep-going
expect_file other.out
expect_no_path after.out
expect_exit 0 mlops status --why
expect_contains "$TEST_DIR/out" "bad: its last run did not finish"
