#!/usr/bin/env bash
# Stages that depend on each other's outputs are refused, the cycle named, exit 4.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
cat >mlops.yaml <<'YAML'
stages:
  a: {cmd: cp c.txt a.txt, deps: [c.txt], outs: [a.txt]}
  b: {cmd: cp a.txt b.txt, deps: [a.txt], outs: [b.txt]}
  c: {cmd: cp b.txt c.txt, deps: [b.txt], outs: [c.txt]}
YAML
expect_exit 4 mlops repro
expect_clean_error
expect_contains "$TEST_DIR/err" "the stages form a cycle: "
for s in a b c; do expect_contains "$TEST_DIR/err" "$s -> "; done
expect_no_path mlops.lock
