#!/usr/bin/env bash
# Reading large files, mlops drift (and drift profile) draws a progress line on stderr when it
# is a terminal, and none without one, with NO_COLOR, -q or --json; small files get none.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v script >/dev/null || skip "script (util-linux) is not installed: no terminal to test on"
awk 'BEGIN { print "a,b,c"; for (i = 0; i < 2000000; i++) printf "%d.2500,%d.5000,%d\n", i % 1009, i % 997, i % 5 }' >big.csv
[ "$(stat -c %s big.csv)" -ge $((32 << 20)) ] || fail "big.csv is smaller than 32 MiB"
make_drift_csvs .
on_tty() { # ARGS...: mlops ARGS with stderr on a terminal (stdout to a file); the terminal's text in tty.txt
  script -qec "$(printf '%q ' "$MLOPS" "$@") >/dev/null" tty.txt >/dev/null </dev/null || true
}
on_tty_colour() { # ARGS...: on_tty without the harness's NO_COLOR
  (unset NO_COLOR && on_tty "$@")
}
on_tty_colour drift --reference big.csv --current big.csv --fail-on never
grep -q "drift: reading" tty.txt || fail "no progress line on a terminal: $(cat -v tty.txt)"
on_tty_colour drift profile big.csv -o big.profile
grep -q "drift profile: reading" tty.txt || fail "no progress line for drift profile: $(cat -v tty.txt)"
for quiet in "-q" "--json"; do
  on_tty_colour "$quiet" drift --reference big.csv --current big.csv --fail-on never
  if grep -q "reading" tty.txt; then fail "a progress line with $quiet"; fi
done
NO_COLOR=1 on_tty drift --reference big.csv --current big.csv --fail-on never
if grep -q "reading" tty.txt; then fail "a progress line with NO_COLOR"; fi
on_tty_colour drift --reference ref.csv --current cur.csv --fail-on never
if grep -q "reading" tty.txt; then fail "a progress line for small files"; fi
# Not a terminal: nothing.
expect_exit 0 mlops drift --reference big.csv --current big.csv --fail-on never
expect_not_contains "$TEST_DIR/err" "reading"
