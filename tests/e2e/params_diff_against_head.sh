#!/usr/bin/env bash
# `mlops params diff [REV]` compares the declared params files in the workspace with HEAD (or REV): changed, added and removed keys, as a table, --md or --json.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops --json params diff
expect_json "$TEST_DIR/out" '.params | length' 0
printf 'lr: 0.05\ndepth: 3\nbatch: 64\n' >params.yaml
expect_exit 0 mlops --json params diff
expect_json "$TEST_DIR/out" .old HEAD
expect_json "$TEST_DIR/out" .new workspace
expect_json "$TEST_DIR/out" '.params | map("\(.key):\(.old)->\(.new)") | join(" ")' "batch:null->64 lr:0.1->0.05 optimizer:sgd->null"
expect_json "$TEST_DIR/out" '.metrics | length' 0
expect_json "$TEST_DIR/out" 'has("code")' false
expect_exit 0 mlops params diff
expect_contains "$TEST_DIR/out" "PARAM"
grep -Eq '^lr +0\.1 +0\.05 +-0\.05$' "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "no row for lr"; }
expect_exit 0 mlops params diff --md
expect_contains "$TEST_DIR/out" "| PARAM | HEAD | workspace | CHANGE |"
expect_contains "$TEST_DIR/out" "| lr | 0.1 | 0.05 | -0.05 |"
expect_contains "$TEST_DIR/out" "| batch | - | 64 |  |"
# Against another revision.
git commit -q -am "lr 0.05"
printf 'lr: 0.05\ndepth: 4\nbatch: 64\n' >params.yaml
expect_exit 0 mlops --json params diff HEAD~1
expect_json "$TEST_DIR/out" .old HEAD~1
expect_json "$TEST_DIR/out" '.params | map(.key) | join(" ")' "batch depth lr optimizer"
expect_exit 0 mlops --json params diff
expect_json "$TEST_DIR/out" '.params | map(.key) | join(" ")' depth
expect_exit 3 mlops params diff no-such-rev
expect_clean_error
