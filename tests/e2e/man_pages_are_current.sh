#!/usr/bin/env bash
# The committed man pages (man/) are exactly what mlops_manpages (cli/manpage.cpp) generates from the command
# tree, and each renders without a groff warning.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

gen=${MLOPS_MANPAGES:-$(dirname "$MLOPS")/mlops_manpages}
[ -x "$gen" ] || skip "no man page generator at $gen (built with the tests: cmake --build with MLOPS_BUILD_TESTS=ON)"
expect_exit 0 "$gen" "$TEST_DIR/man"
[ -s "$TEST_DIR/man/mlops.1" ] || fail "the generator wrote no mlops.1"
if ! diff -ru "$MLOPS_SOURCE_DIR/man" "$TEST_DIR/man" >&2; then
  fail "man pages are out of date (diff above); regenerate them with: make man"
fi
if command -v groff >/dev/null; then
  for page in "$TEST_DIR"/man/*.1; do
    groff -man -Tutf8 -ww -z "$page" 2>"$TEST_DIR/warnings"
    [ ! -s "$TEST_DIR/warnings" ] || { cat "$TEST_DIR/warnings" >&2; fail "groff warns about $(basename "$page")"; }
  done
fi
