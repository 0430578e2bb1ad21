#!/usr/bin/env bash
# The reference and current data may be gzip- or zstd-compressed (recognised by their first
# bytes, whatever the name) or standard input: the report is the same as from the plain files.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_drift_csvs .
expect_exit 0 mlops drift --reference ref.csv --current cur.csv --format json
jq 'del(.reference, .current)' "$TEST_DIR/out" >plain.json
gzip -c ref.csv >ref.gz
command -v zstd >/dev/null || skip "zstd is not installed"
zstd -q -c cur.csv >cur.data
same() { # ARGS...: mlops drift ARGS gives plain.json
  expect_exit 0 mlops drift "$@" --format json
  jq 'del(.reference, .current)' "$TEST_DIR/out" >got.json
  diff -u plain.json got.json >&2 || fail "mlops drift $* differs from the plain files"
}
same --reference ref.gz --current cur.data
same --reference - --current cur.csv <ref.csv
same --reference ref.csv --current - <cur.data
# gzip members one after another are one stream (what `cat a.gz b.gz` makes).
head -n 151 cur.csv | gzip -c >part1.gz
tail -n +152 cur.csv | gzip -c >part2.gz
cat part1.gz part2.gz >cur.gz
same --reference ref.csv --current cur.gz
