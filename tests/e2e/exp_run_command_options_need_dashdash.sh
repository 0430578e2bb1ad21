#!/usr/bin/env bash
# A command given to `exp run` without `--` that has options (`mlops exp run echo --lr 0.1`, or -n, which mlops would take for its own) is refused with exit 2 and a hint showing the command after `--`; nothing is recorded. A typo of one of exp run's options is named with the closest one.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 2 mlops exp run echo --lr 0.1
expect_clean_error
expect_contains "$TEST_DIR/err" "'--lr'"
expect_contains "$TEST_DIR/err" "hint: put the command after '--' to pass it options: mlops exp run [OPTIONS] -- echo --lr 0.1"
expect_exit 2 mlops exp run python3 train.py -n 5
expect_contains "$TEST_DIR/err" "-- python3 train.py -n 5"
expect_exit 2 mlops exp run sh -c 'echo a b'
expect_contains "$TEST_DIR/err" "-- sh -c 'echo a b'"
expect_exit 2 mlops exp run --nmae x -- true
expect_clean_error
expect_contains "$TEST_DIR/err" "did you mean '--name'?"
expect_exit 0 mlops exp list --all --json
expect_json "$TEST_DIR/out" length 0

# With `--`, everything after it is the command's; without options, `--` is not needed.
expect_exit 0 mlops exp run -n ok -- echo --lr 0.1 -n 5
expect_contains "$TEST_DIR/out" "--lr 0.1 -n 5"
expect_exit 0 mlops exp run -n plain echo hello
expect_contains "$TEST_DIR/out" "hello"
expect_exit 0 mlops exp run -q -n after-q -- echo -- x
expect_eq "$(cat "$TEST_DIR/out")" "-- x" "output of a command given a -- of its own"
