#!/usr/bin/env bash
# `exp log loss=nan acc=inf` records NaN and Infinity as such ("NaN", "Infinity", "-Infinity" in the record and the series), which list, filter, sort and diff handle; a number outside a double's range (1e400) or a --step outside int64 is refused with exit 2, never recorded as something else.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
bin=$(dirname "$MLOPS")
cat >train.sh <<'SH'
#!/bin/sh
mlops exp log loss=0.5 acc=0.25 neg=-1
mlops exp log loss=nan acc=inf neg=-Infinity || exit 10
mlops exp log big=1e400 2>big.err && exit 11
grep -q "big" big.err || exit 12
mlops exp log tiny=1e-400 2>/dev/null && exit 13
mlops exp log x=0x10 2>/dev/null && exit 14
mlops exp log --step 99999999999999999999 a=1 2>step.err && exit 15
grep -q -- "--step" step.err || exit 16
mlops exp log --step 9223372036854775807 edge=1 || exit 17
rm big.err step.err
SH
expect_exit 0 env PATH="$bin:$PATH" "$MLOPS" exp run -n odd -- sh train.sh
expect_exit 0 mlops --json exp show odd
expect_json "$TEST_DIR/out" '.metrics.loss | [.last, .min, .max, .count] | map(tostring) | join(" ")' "NaN 0.5 0.5 2"
expect_json "$TEST_DIR/out" '.metrics.acc | [.last, .min, .max] | map(tostring) | join(" ")' "Infinity 0.25 Infinity"
expect_json "$TEST_DIR/out" '.metrics.neg | [.last, .min, .max] | map(tostring) | join(" ")' "-Infinity -Infinity -1"
expect_json "$TEST_DIR/out" '.metrics | has("big") or has("tiny") or has("x") or has("a")' false
commit=$(jq -r .commit "$TEST_DIR/out")
expect_eq "$(git show "$commit:series/loss.tsv" | cut -f3 | tail -n +2 | paste -sd' ')" "0.5 NaN" "values of series/loss.tsv"
expect_eq "$(git show "$commit:metrics.json" | jq -c .acc.last)" '"Infinity"' "metrics.json of the run commit"
git show "$commit:metrics.json" | grep -Eq '"step": ?9223372036854775807' || fail "the largest step was not kept exactly"  # jq would round it

# A second run to compare with, then list / filter / sort / diff.
expect_exit 0 env PATH="$bin:$PATH" "$MLOPS" exp run -n plain -- sh -c 'mlops exp log loss=0.1 acc=0.5'
expect_exit 0 env PATH="$bin:$PATH" "$MLOPS" exp run -n third -- sh -c 'mlops exp log loss=0.3 acc=2'
expect_exit 0 mlops exp list --all --filter 'metrics.acc > 1' --json
expect_json "$TEST_DIR/out" '[.[].name] | join(" ")' "third odd"
expect_exit 0 mlops exp list --all --filter 'metrics.loss > 0.2' --json
expect_json "$TEST_DIR/out" '[.[].name] | join(" ")' "third"
# NaN sorts last either way, like a missing value.
expect_exit 0 mlops exp list --all --sort metrics.loss --json
expect_json "$TEST_DIR/out" '[.[].name] | join(" ")' "plain third odd"
expect_exit 0 mlops exp list --all --sort -metrics.loss --json
expect_json "$TEST_DIR/out" '[.[].name] | join(" ")' "third plain odd"
expect_exit 0 mlops exp list --all
expect_contains "$TEST_DIR/out" "odd"
expect_exit 0 mlops --json exp diff odd plain
expect_json "$TEST_DIR/out" '.metrics | map(select(.key == "loss")) | .[0].old' NaN
