#!/usr/bin/env bash
# An update killed (kill -9) after it saved its state but before it finished writing is not
# "waiting on conflicts": the next update says it was interrupted, and --abort restores all.
# A save killed before its rename leaves .git/mlops-update.tmp-XXXXXX: the next update
# removes it once it is older than a minute (a younger one may be another update saving).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
# LeakSanitizer cannot run under ptrace.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

update_template_v1 src
sed -i 's/^line 4$/line 4, from v2/' src/files/README.md
mkdir -p src/files/newdir && echo 'new in v2' >src/files/newdir/added.txt && echo 'also new' >src/files/newdir/other.txt
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
cd proj
head_before=$(git rev-parse HEAD)
digest_before=$(worktree_digest .)

# strace -P matches only rename's first (temporary) name, so the rename to kill at is
# counted on a copy first: the same update makes the same renames in the same order.
nth_rename() { # PATTERN: the 1-based index of the first rename of the update whose line matches
  rm -rf "$TEST_DIR/probe" && cp -a . "$TEST_DIR/probe"
  (cd "$TEST_DIR/probe" && strace -o "$TEST_DIR/probe.trace" -e trace=rename "$MLOPS" update >/dev/null 2>&1) || true
  grep '^rename(' "$TEST_DIR/probe.trace" | grep -n -m1 -- "$1" | cut -d: -f1
}
n=$(nth_rename '/README.md")')
[ -n "$n" ] || fail "the probe update never wrote README.md"
strace -o /dev/null -e trace=rename -e inject=rename:signal=SIGKILL:when="$n" "$MLOPS" update >/dev/null 2>&1 && fail "the update was not killed"
[ -f .git/mlops-update/state ] || fail "the killed update saved no state"
expect_exit 6 mlops update
expect_contains "$TEST_DIR/err" "interrupted part-way"
expect_not_contains "$TEST_DIR/err" "stopped on conflicts"
expect_contains "$TEST_DIR/err" "mlops update --abort"
expect_exit 0 mlops update --abort
expect_eq "$(git rev-parse HEAD)" "$head_before" "HEAD after --abort"
expect_eq "$(worktree_digest .)" "$digest_before" "every file after --abort"

# Killed at the save's own rename: nothing changed, a temporary directory is left.
n=$(nth_rename '/mlops-update")')
[ -n "$n" ] || fail "the probe update never saved its state"
strace -o /dev/null -e trace=rename -e inject=rename:signal=SIGKILL:when="$n" "$MLOPS" update >/dev/null 2>&1 && fail "the update was not killed"
dead=$(find .git -maxdepth 1 -name 'mlops-update.tmp-*' | head -1)
[ -n "$dead" ] || fail "no temporary state directory was left to test with"
expect_eq "$(worktree_digest .)" "$digest_before" "every file after a kill during the save"
mkdir .git/mlops-update.tmp-young1
touch -d '-2 minutes' "$dead"
expect_exit 0 mlops update
expect_no_path "$dead"
[ -d .git/mlops-update.tmp-young1 ] || fail "a save younger than a minute was removed"
expect_no_path .git/mlops-update
