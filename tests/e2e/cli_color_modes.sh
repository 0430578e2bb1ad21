#!/usr/bin/env bash
# No ANSI escapes when not on a terminal, with NO_COLOR, or with --color never; --color always forces them.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

esc=$'\033['
has_esc() { grep -qF -- "$esc" "$1"; }
unset NO_COLOR

# Not a terminal (auto).
expect_exit 0 mlops template list
! has_esc "$TEST_DIR/out" || fail "escapes on stdout without a terminal"
expect_exit 3 mlops template show nosuch
! has_esc "$TEST_DIR/err" || fail "escapes on stderr without a terminal"

# --color always, even with NO_COLOR.
for nc in "" 1; do
  NO_COLOR=$nc "$MLOPS" --color always template list >"$TEST_DIR/out" 2>"$TEST_DIR/err"
  has_esc "$TEST_DIR/out" || fail "no escapes on stdout with --color always (NO_COLOR='$nc')"
  NO_COLOR=$nc "$MLOPS" --color always template show nosuch >"$TEST_DIR/out" 2>"$TEST_DIR/err" || true
  has_esc "$TEST_DIR/err" || fail "no escapes on stderr with --color always (NO_COLOR='$nc')"
done

# On a terminal: colour by default, none with NO_COLOR or --color never.
command -v script >/dev/null || skip "script(1) not found: cannot test on a pseudo-terminal"
on_tty() { # OUTFILE ENV... -- ARGS...
  local out=$1; shift
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" script -qec "$(printf '%q ' "$MLOPS" "$@")" /dev/null </dev/null >"$out" 2>&1 || true
}
on_tty "$TEST_DIR/tty-auto" TERM=xterm -- template list
grep -q 'ml-project' "$TEST_DIR/tty-auto" || { cat "$TEST_DIR/tty-auto" >&2; fail "script(1) did not capture the output"; }
has_esc "$TEST_DIR/tty-auto" || fail "no colour on a terminal with --color auto"
on_tty "$TEST_DIR/tty-nocolor" TERM=xterm NO_COLOR=1 -- template list
! has_esc "$TEST_DIR/tty-nocolor" || fail "escapes on a terminal with NO_COLOR=1"
on_tty "$TEST_DIR/tty-never" TERM=xterm -- --color never template list
! has_esc "$TEST_DIR/tty-never" || fail "escapes on a terminal with --color never"
on_tty "$TEST_DIR/tty-never-err" TERM=xterm -- --color never template show nosuch
grep -q 'unknown template' "$TEST_DIR/tty-never-err" || fail "script(1) did not capture the error"
! has_esc "$TEST_DIR/tty-never-err" || fail "escapes in an error on a terminal with --color never"
on_tty "$TEST_DIR/tty-dumb" TERM=dumb -- template list
! has_esc "$TEST_DIR/tty-dumb" || fail "escapes on a terminal with TERM=dumb"
