#!/usr/bin/env bash
# Every command's --help lists the global options that work after it (--json, -q, -v, --color, -C) in a "Global options" section, with one blank line between sections.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

for cmd in "" init "template show" exp "exp list" "exp run" "package build" "package verify" "metrics diff" "key generate" version; do
  # shellcheck disable=SC2086  # split the command words
  expect_exit 0 mlops $cmd --help
  sed -n '/^Global options:$/,/^$/p' "$TEST_DIR/out" >"$TEST_DIR/globals"
  [ -s "$TEST_DIR/globals" ] || { cat "$TEST_DIR/out" >&2; fail "mlops $cmd --help: no Global options section"; }
  for opt in "--json" "-q,--quiet" "-v,--verbose" "--color" "-C DIR"; do
    grep -qF -- "  $opt " "$TEST_DIR/globals" || { cat "$TEST_DIR/globals" >&2; fail "mlops $cmd --help: $opt is not under Global options"; }
  done
  [ "$(grep -c '^Global options:$' "$TEST_DIR/out")" = 1 ] || fail "mlops $cmd --help: Global options listed twice"
  awk 'prev == "" && $0 == "" && NR > 1 { bad = 1 } { prev = $0 } END { exit bad }' "$TEST_DIR/out" ||
    { cat "$TEST_DIR/out" >&2; fail "mlops $cmd --help: two blank lines in a row"; }
done
