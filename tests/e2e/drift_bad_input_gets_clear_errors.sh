#!/usr/bin/env bash
# Bad input to mlops drift: each gets one clear error line (with file:line where there is one)
# and its documented exit code, never a crash; -o is not written.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

printf 'a,b\n1,2\n3,4\n' >good.csv
bad() { # CODE TEXT ARGS...: mlops drift ARGS exits CODE with one error line holding TEXT
  local code=$1 text=$2; shift 2
  expect_exit "$code" mlops drift "$@" -o report.json
  expect_clean_error
  expect_contains "$TEST_DIR/err" "$text"
  expect_no_path report.json
}
bad 3 "no such file: nope.csv" --reference nope.csv --current good.csv
: >empty.csv
bad 4 "empty.csv: empty file: no header row" --reference good.csv --current empty.csv
printf 'a,c,d\n1,2,3\n' >other.csv
bad 4 "missing from other.csv: b; only in other.csv: c, d" --reference good.csv --current other.csv
printf 'a,b\n1,2\n3,4,5\n' >ragged.csv
bad 4 "ragged.csv:3: 3 fields, the header has 2" --reference good.csv --current ragged.csv
printf 'a,b\n1,"2\n' >open.csv
bad 4 "open.csv:2: a quoted field is not closed" --reference good.csv --current open.csv
printf 'a,b\n1,caf\xe9\n' >latin1.csv
bad 4 "latin1.csv:2: column b holds bytes that are not UTF-8" --reference good.csv --current latin1.csv
head -c 70000000 /dev/zero | tr '\0' 1 >long.csv
bad 4 "long.csv:1: a record longer than 64 MiB" --reference long.csv --current good.csv
mkdir dir.csv
bad 2 "dir.csv is a directory" --reference dir.csv --current good.csv
bad 2 "cannot both be standard input" --reference - --current - </dev/null
bad 2 "--columns names no column: aa" --reference good.csv --current good.csv --columns aa
expect_contains "$TEST_DIR/err" "did you mean 'a'"
bad 2 "--per-column wants COLUMN=METHOD" --reference good.csv --current good.csv --per-column a
printf '\x1f\x8b\x08\x00garbage' >bad.csv.gz
bad 4 "bad.csv.gz: " --reference bad.csv.gz --current good.csv
