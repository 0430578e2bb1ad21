#!/usr/bin/env bash
# A profile from disk is hostile: truncated, corrupted, from a newer mlops, claiming counts
# that do not add up: each is exit 4 with one clear line, never a crash, and -o is never
# written half.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_drift_csvs .
expect_exit 0 mlops drift profile ref.csv -o ref.profile
refused() { # WHAT FILE: --reference FILE is refused with WHAT
  expect_exit 4 mlops drift --reference "$2" --current cur.csv
  expect_contains "$TEST_DIR/err" "$1"
  [ "$(grep -c 'mlops: error' "$TEST_DIR/err")" = 1 ] || fail "not one error line: $(cat "$TEST_DIR/err")"
}
head -c 500 ref.profile >short.profile
refused "short.profile: not a valid drift profile" short.profile
python3 - <<'PY'
data = open("ref.profile", "rb").read()
assert data.count(b"\x67version\x01") == 1
open("newer.profile", "wb").write(data.replace(b"\x67version\x01", b"\x67version\x02"))
# rows 300 -> 301: no column adds up any more.
assert data.count(b"\x64rows\x19\x01\x2c") == 1
open("rows.profile", "wb").write(data.replace(b"\x64rows\x19\x01\x2c", b"\x64rows\x19\x01\x2d"))
# A byte string claiming 2^62 bytes.
i = data.index(b"\x66values") + 7
open("huge.profile", "wb").write(data[:i] + b"\x5b\x40\x00\x00\x00\x00\x00\x00\x00" + data[i + 1:])
# Deep nesting right after the magic bytes.
open("deep.profile", "wb").write(data[:8] + b"\x81" * 100000)
PY
refused "a drift profile of version 2; this mlops reads version 1" newer.profile
expect_contains "$TEST_DIR/err" "upgrade mlops"
refused "do not add up to the rows" rows.profile
refused "not a valid drift profile" huge.profile
refused "not a valid drift profile" deep.profile
# Nothing half written when the output is refused.
expect_exit 4 mlops drift profile --merge ref.profile rows.profile -o merged.profile
expect_no_path merged.profile
# The magic bytes and nothing else: a profile, refused as one (not read as a CSV).
head -c 8 ref.profile >magic.csv
refused "magic.csv: not a valid drift profile" magic.csv
# A profile on standard input or compressed is not read as CSV data: said plainly.
expect_exit 4 mlops drift --reference - --current cur.csv <ref.profile
expect_contains "$TEST_DIR/err" "-: a drift profile, not CSV data"
gzip -c ref.profile >ref.profile.gz
expect_exit 4 mlops drift --reference ref.profile.gz --current cur.csv
expect_contains "$TEST_DIR/err" "a drift profile, not CSV data"
# The output is never one of the inputs.
cp ref.csv keep.csv
expect_exit 2 mlops drift profile keep.csv -o keep.csv
expect_contains "$TEST_DIR/err" "is also an input"
cmp -s ref.csv keep.csv || fail "the input was overwritten"
# A header without rows profiles, and compares as "no values".
head -n 1 ref.csv >header.csv
expect_exit 0 mlops drift profile header.csv -o header.profile
expect_exit 0 mlops drift --reference header.profile --current cur.csv --format json
jq -e '.drift_by_columns.x.skipped == "no values in the reference data"' "$TEST_DIR/out" >/dev/null || fail "header-only profile"
