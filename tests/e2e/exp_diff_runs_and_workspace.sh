#!/usr/bin/env bash
# `mlops exp diff A B` shows param and metric deltas and the code diff between the snapshots; with one run it compares with the workspace; --md and --json too.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n a -- sh -c 'echo "{\"acc\": 0.5, \"loss\": 1}" > metrics.json'
echo 'echo "new step"' >>train.sh
expect_exit 0 mlops exp run -n b -S lr=0.25 -- sh -c 'echo "{\"acc\": 0.75, \"loss\": 1}" > metrics.json'

expect_exit 0 mlops --json exp diff a b
expect_json "$TEST_DIR/out" .old a
expect_json "$TEST_DIR/out" .new b
expect_json "$TEST_DIR/out" '.params | map("\(.key):\(.old)->\(.new)") | join(" ")' "lr:0.1->0.25"
expect_json "$TEST_DIR/out" '.metrics | map("\(.key):\(.old)->\(.new)") | join(" ")' "acc:0.5->0.75"
jq -r .code "$TEST_DIR/out" >"$TEST_DIR/code"
expect_contains "$TEST_DIR/code" "diff --git a/train.sh b/train.sh"
expect_contains "$TEST_DIR/code" '+echo "new step"'
expect_contains "$TEST_DIR/code" "-lr: 0.1"
expect_contains "$TEST_DIR/code" "+lr: 0.25"
expect_not_contains "$TEST_DIR/code" "mlops.yaml"

expect_exit 0 mlops exp diff a b
expect_contains "$TEST_DIR/out" "lr"
expect_contains "$TEST_DIR/out" "+0.15"
expect_contains "$TEST_DIR/out" "+0.25"
expect_contains "$TEST_DIR/out" '+echo "new step"'
expect_not_contains "$TEST_DIR/out" "loss"

expect_exit 0 mlops exp diff a b --md
expect_contains "$TEST_DIR/out" "| PARAM | a | b | CHANGE |"
expect_contains "$TEST_DIR/out" "| lr | 0.1 | 0.25 | +0.15 |"
expect_contains "$TEST_DIR/out" "| acc | 0.5 | 0.75 | +0.25 |"
expect_contains "$TEST_DIR/out" '```diff'

# Against the workspace: a's snapshot vs the files now (train.sh edited, params.yaml as committed,
# metrics.json as b left it).
expect_exit 0 mlops --json exp diff a
expect_json "$TEST_DIR/out" .new workspace
expect_json "$TEST_DIR/out" '.params | length' 0
expect_json "$TEST_DIR/out" '.metrics | map("\(.key):\(.old)->\(.new)") | join(" ")' "acc:0.5->0.75"
jq -r .code "$TEST_DIR/out" >"$TEST_DIR/code"
expect_contains "$TEST_DIR/code" '+echo "new step"'
expect_not_contains "$TEST_DIR/code" "params.yaml"
expect_exit 0 mlops --json exp diff b
expect_json "$TEST_DIR/out" '.params | map("\(.key):\(.old)->\(.new)") | join(" ")' "lr:0.25->0.1"
expect_json "$TEST_DIR/out" '.code | contains("train.sh")' false

expect_exit 3 mlops exp diff a nosuch
expect_exit 2 mlops exp diff a b a
