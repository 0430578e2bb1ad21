#!/usr/bin/env bash
# `mlops metrics show` prints the numeric values of the declared metrics files; `mlops metrics diff` compares them with HEAD; table, --md and --json.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
echo '{"acc": 0.8, "eval": {"loss": 0.5}}' >metrics.json
git add metrics.json
git commit -q -m metrics
echo '{"acc": 0.85, "eval": {"loss": 0.5, "f1": 0.7}, "model": "rf"}' >metrics.json

expect_exit 0 mlops --json metrics show
expect_json "$TEST_DIR/out" '.files."metrics.json" | to_entries | map("\(.key)=\(.value)") | join(" ")' "acc=0.85 eval.f1=0.7 eval.loss=0.5"
expect_exit 0 mlops metrics show
expect_contains "$TEST_DIR/out" "FILE"
grep -Eq '^metrics\.json +acc +0\.85$' "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "no row for acc"; }
expect_not_contains "$TEST_DIR/out" "model"
expect_exit 0 mlops metrics show --md
expect_contains "$TEST_DIR/out" "| metrics.json | eval.loss | 0.5 |"

expect_exit 0 mlops --json metrics diff
expect_json "$TEST_DIR/out" '.metrics | map("\(.key):\(.old)->\(.new)") | join(" ")' "acc:0.8->0.85 eval.f1:null->0.7"
expect_json "$TEST_DIR/out" '.params | length' 0
expect_exit 0 mlops metrics diff --md
expect_contains "$TEST_DIR/out" "| METRIC | HEAD | workspace | CHANGE |"
expect_contains "$TEST_DIR/out" "| acc | 0.8 | 0.85 | +0.05 |"
expect_exit 0 mlops metrics diff
grep -Eq '^acc +0\.8 +0\.85 +\+0\.05$' "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "no row for acc"; }
git checkout -q metrics.json
expect_exit 0 mlops metrics diff
expect_contains "$TEST_DIR/out" "the same"
