#!/usr/bin/env bash
# `mlops exp log` during a run builds per-metric series: implicit and explicit steps, last/min/max/step/count, and series/<key>.tsv in the run commit.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
bin=$(dirname "$MLOPS")
cat >train.sh <<'SH'
#!/bin/sh
mlops exp log loss=0.5 acc=0.1
mlops exp log loss=0.25
mlops exp log loss=0.375 --step 10
mlops exp log acc=0.75 --step 10
mlops exp log 'val/loss=2'
SH
expect_exit 0 env PATH="$bin:$PATH" "$MLOPS" exp run -n series -- sh train.sh
expect_exit 0 mlops --json exp show series
expect_json "$TEST_DIR/out" '.metrics.loss | [.last, .min, .max, .step, .count] | join(" ")' "0.375 0.25 0.5 10 3"
expect_json "$TEST_DIR/out" '.metrics.acc | [.last, .min, .max, .step, .count] | join(" ")' "0.75 0.1 0.75 10 2"
expect_json "$TEST_DIR/out" '.metrics["val/loss"].last' 2
commit=$(jq -r .commit "$TEST_DIR/out")
git show "$commit:series/loss.tsv" >"$TEST_DIR/loss.tsv"
expect_eq "$(head -n 1 "$TEST_DIR/loss.tsv")" "$(printf 'step\ttime\tvalue')" "header of series/loss.tsv"
# step and value of each row; the value is compared as a number.
expect_eq "$(awk -F'\t' 'NR > 1 { printf "%s=%g ", $1, $3 }' "$TEST_DIR/loss.tsv")" "0=0.5 1=0.25 10=0.375 " "rows of series/loss.tsv"
awk -F'\t' 'NR > 1 && !($2 > 1e9) { exit 1 }' "$TEST_DIR/loss.tsv" || fail "series/loss.tsv has no epoch times"
expect_eq "$(git show "$commit:series/acc.tsv" | awk -F'\t' 'NR > 1 { printf "%s=%g ", $1, $3 }')" "0=0.1 10=0.75 " "rows of series/acc.tsv"
# A key that is not a file name is escaped.
expect_eq "$(git show "$commit:series/val%2Floss.tsv" | awk -F'\t' 'NR > 1 { printf "%s=%g ", $1, $3 }')" "0=2 " "rows of series/val%2Floss.tsv"
expect_eq "$(git ls-tree --name-only "$commit" series/ | LC_ALL=C sort | paste -sd' ')" "series/acc.tsv series/loss.tsv series/val%2Floss.tsv" "series files"
