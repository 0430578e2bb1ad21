#!/usr/bin/env bash
# A target whose parent cannot hold it (a regular file; /proc) fails with a clean error and leaves nothing.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir work
echo "just a file" >work/somefile
before=$(tree_digest work)
for target in work/somefile/proj work/somefile/deeper/proj; do
  got=0
  mlops init "$target" --defaults >"$TEST_DIR/out" 2>"$TEST_DIR/err" || got=$?
  [ "$got" != 0 ] || fail "init into $target succeeded"
  [ "$got" -lt 70 ] || { cat "$TEST_DIR/err" >&2; fail "init into $target: internal error (exit $got)"; }
  expect_clean_error
  expect_contains "$TEST_DIR/err" "somefile"
  expect_eq "$(tree_digest work)" "$before" "work/ after init into $target"
done

target=/proc/mlops-e2e-$$/proj
got=0
mlops init "$target" --defaults >"$TEST_DIR/out" 2>"$TEST_DIR/err" || got=$?
[ "$got" != 0 ] || fail "init into $target succeeded"
[ "$got" -lt 70 ] || { cat "$TEST_DIR/err" >&2; fail "init into $target: internal error (exit $got)"; }
expect_clean_error
expect_no_path "/proc/mlops-e2e-$$"
