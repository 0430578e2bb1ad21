#!/usr/bin/env bash
# `exp run -S` killed (SIGKILL) at every file-changing syscall in turn, the restore included: the next mlops command puts params.yaml back byte-identical without a false "changed during the run", leaves no backup, record or temporary file behind, and the next `exp run -S` works.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"

exp_repo repo
cd repo
chmod 640 params.yaml  # git does not record it; the restore must keep it
original=$(sha256sum params.yaml)
restore=.git/mlops/restore

check_settled() { # WHAT: after the kill and one mlops command
  expect_exit 0 mlops exp list --all
  expect_not_contains "$TEST_DIR/err" "changed during the run"
  expect_not_contains "$TEST_DIR/err" "cannot restore"
  expect_eq "$(sha256sum params.yaml)" "$original" "params.yaml after $1"
  expect_eq "$(stat -c %a params.yaml)" 640 "mode of params.yaml after $1"
  local left
  left=$(find "$restore" -type f ! -name 'workspace-*.lock' 2>/dev/null; find . -maxdepth 1 -name '.params.yaml.tmp-*')
  [ -z "$left" ] || fail "left after $1: $left"
}

kills=0
for call in rename unlink unlinkat fsync write link linkat; do
  for ((n = 1; ; n++)); do
    rc=0
    # (In a subshell: bash reports the kill otherwise. LeakSanitizer cannot run under ptrace.)
    (ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -o /dev/null -e trace="$call" \
      -e inject="$call:signal=SIGKILL:when=$n" "$MLOPS" exp run -q -S lr=0.5 -- true >/dev/null 2>"$TEST_DIR/kill.err") 2>/dev/null || rc=$?
    [ "$rc" = 137 ] || break  # the run had fewer such calls: it completed
    kills=$((kills + 1))
    check_settled "a kill at $call #$n"
  done
  [ "$rc" = 0 ] || { cat "$TEST_DIR/kill.err" >&2; fail "the run without a kill at $call #$n exited $rc"; }
  check_settled "a run with fewer than $n ${call}s"
done
[ "$kills" -gt 20 ] || fail "only $kills kills: the injection did not work"

# And the workspace is usable: an override is applied and undone as usual.
expect_exit 0 mlops exp run -n after -S lr=0.7 -- sh -c 'grep "lr: 0.7" params.yaml'
expect_eq "$(sha256sum params.yaml)" "$original" "params.yaml after the last run"
