#!/usr/bin/env bash
# The HTML drift report renders in headless Chromium without a console error or a request for
# anything outside the page (it is self-contained), and the screenshot is not blank.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chrome" ] || skip "chromium is not installed (Debian: chromium)"

make_drift_csvs .
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format html -o drift.html
# --enable-logging=stderr --v=0 prints the page's console messages as CONSOLE(...) lines; a
# fetch of anything but the file itself would be a network error in the log.
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
  --user-data-dir="$TEST_DIR/profile" --enable-logging=stderr --v=0 \
  --screenshot="$TEST_DIR/shot.png" --window-size=1000,700 "file://$TEST_DIR/drift.html" \
  >"$TEST_DIR/chrome.out" 2>"$TEST_DIR/chrome.err" || { cat "$TEST_DIR/chrome.err" >&2; fail "chromium failed to render drift.html"; }
if grep -E 'CONSOLE|Uncaught|net::ERR_' "$TEST_DIR/chrome.err" >&2; then
  fail "console messages or failed requests while rendering drift.html (above)"
fi
expect_file "$TEST_DIR/shot.png"
# A PNG of the page: more than a blank page compresses to.
size=$(wc -c <"$TEST_DIR/shot.png")
[ "$size" -gt 5000 ] || fail "the screenshot is $size bytes: a blank page?"
