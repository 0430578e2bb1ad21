#!/usr/bin/env bash
# The failure reasons exp status fetches from a sweep's git remote are read as hostile: a ref on
# a blob, a reason.txt of 1 MiB, and one with terminal escapes and newlines are each shown as a
# bounded one-line reason, and exp status still answers for every point.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
use_fake_slurm

git_remote_sweep -S lr=0.1,0.2,0.3 -- true
for i in 0 1 2; do echo FAILED >"$FAKE_SLURM_DIR/state/100_$i"; done
# reason_commit FILE: a commit on the remote whose tree holds FILE as reason.txt.
reason_commit() {
  local blob tree
  blob=$(git -C "$remote" hash-object -w "$1")
  tree=$(printf '100644 blob %s\treason.txt\n' "$blob" | git -C "$remote" mktree)
  git -C "$remote" commit-tree "$tree" -m forged
}
refs=refs/mlops/sweep-failures/$sweep
printf 'not a commit' >"$TEST_DIR/r0"
git -C "$remote" update-ref "$refs/0" "$(git -C "$remote" hash-object -w "$TEST_DIR/r0")"
head -c 1048576 /dev/zero | tr '\0' x >"$TEST_DIR/r1"
git -C "$remote" update-ref "$refs/1" "$(reason_commit "$TEST_DIR/r1")"
printf 'line one\n\033[2J\033]0;owned\007line two\r\n' >"$TEST_DIR/r2"
git -C "$remote" update-ref "$refs/2" "$(reason_commit "$TEST_DIR/r2")"

expect_exit 1 mlops --json exp status "$sweep"
expect_json "$TEST_DIR/out" '[.points[].state] | join(",")' failed,failed,failed
expect_json "$TEST_DIR/out" '.points[0].reason | test("unreadable.*does not name a commit")' true
expect_json "$TEST_DIR/out" '.points[1].reason | test("unreadable.*over 4096 bytes")' true
expect_json "$TEST_DIR/out" '.points[2].reason | test("line one")' true
expect_json "$TEST_DIR/out" '.points[2].reason | test("[\u0000-\u001f\u007f]")' false
expect_exit 1 mlops exp status "$sweep"
expect_eq "$(wc -l <"$TEST_DIR/out")" 3 "lines of exp status"
if LC_ALL=C grep -q "$(printf '\033')" "$TEST_DIR/out"; then fail "an escape reached the terminal"; fi
