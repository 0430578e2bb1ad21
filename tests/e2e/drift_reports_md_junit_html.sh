#!/usr/bin/env bash
# The report formats: Markdown for pull-request comments (at most 65,536 characters, cut
# between rows with a note, never a broken table), JUnit XML (one test case per column, drift
# a failure), and one HTML page that loads nothing from outside; -o writes the file.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# 3,000 columns with long names: far more than a comment can hold.
awk 'BEGIN {
  for (f = 0; f < 2; f++) {
    file = f ? "cur.csv" : "ref.csv"
    line = ""
    for (c = 0; c < 3000; c++) line = line (c ? "," : "") sprintf("column_with_a_rather_long_name_%04d|x", c)
    print line > file
    for (r = 0; r < 20; r++) {
      line = ""
      for (c = 0; c < 3000; c++) line = line (c ? "," : "") ((r * 7 + c) % 13 + (f && c % 2 ? 5 : 0)) ".5"
      print line > file
    }
  }
}'
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format md --fail-on never
size=$(wc -m <"$TEST_DIR/out")
[ "$size" -le 65536 ] || fail "the Markdown report has $size characters"
expect_contains "$TEST_DIR/out" "more columns not shown"
# Every table row is whole: starts and ends with a pipe, as many cells as the header.
awk '/^\|/ { n = gsub(/[^\\]\|/, "&"); if (NR > 1 && n != cells && cells) bad = 1; if (!cells) cells = n } END { exit bad }' "$TEST_DIR/out" ||
  fail "a broken table row"
expect_contains "$TEST_DIR/out" 'column\_with\_a\_rather\_long\_name\_0001\|x'

make_drift_csvs .
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format junit -o drift.xml
/usr/bin/python3 - drift.xml <<'PY' || fail "the JUnit report is not what CI panes read"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall("./testsuite/testcase")
assert [c.get("name") for c in cases] == ["x", "y", "city"], cases
assert [c.find("failure") is not None for c in cases] == [True, False, False]
assert root.get("failures") == "1"
PY
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format html -o drift.html
expect_contains drift.html "<svg"
expect_not_contains drift.html "http://"
expect_not_contains drift.html "https://"
expect_not_contains drift.html "<script"
size=$(wc -c <drift.html)
[ "$size" -lt 12000 ] || fail "drift.html is $size bytes for 3 columns"
