#!/usr/bin/env bash
# Field names given to `mlops exp list` (--sort, --filter fields and tags, --columns) must exist in a listed run: a bare name meaning one params.X or metrics.X stands for it (said with -v); an unknown or ambiguous one exits 2 naming the closest existing ones; with no run listed, names are checked against all runs, and with no run at all params./metrics. names pass.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops --json exp list --all --sort -metrics.acc --filter 'metrics.acc > 1' --columns params.lr
expect_json "$TEST_DIR/out" length 0
expect_exit 2 mlops exp list --sort acc
expect_contains "$TEST_DIR/err" "unknown field 'acc' in --sort"
expect_contains "$TEST_DIR/err" "params.KEY or metrics.KEY"

expect_exit 0 mlops exp run -n r1 -- sh -c "echo '{\"acc\": 0.5}' > metrics.json"
expect_exit 0 mlops exp run -n r2 -S lr=0.2 -t best -- sh -c "echo '{\"acc\": 0.9}' > metrics.json"
names() { jq -r '[.[].name] | join(" ")' "$TEST_DIR/out"; }
expect_exit 0 mlops -v --json exp list --sort -acc
expect_eq "$(names)" "r2 r1" "--sort -acc"
expect_contains "$TEST_DIR/err" "'acc' in --sort means metrics.acc"
expect_exit 0 mlops --json exp list --filter 'acc > 0.6 and lr = 0.2'
expect_eq "$(names)" "r2" "--filter with bare names"
expect_exit 0 mlops --json exp list --columns acc,lr,acc.max
expect_json "$TEST_DIR/out" '.[0] | keys | join(",")' "metrics.acc,metrics.acc.max,params.lr,schema"
expect_exit 0 mlops exp list --columns acc,lr
expect_eq "$(head -n 1 "$TEST_DIR/out" | tr -s ' ')" "acc lr" "table header"

expect_exit 2 mlops exp list --sort -accc
expect_clean_error
expect_contains "$TEST_DIR/err" "unknown field 'accc' in --sort"
expect_contains "$TEST_DIR/err" "did you mean 'metrics.acc'"
expect_exit 2 mlops exp list --filter 'acc > 0.1 and nosuch = 3'
expect_contains "$TEST_DIR/err" "unknown field 'nosuch' in --filter at column 15"
expect_exit 2 mlops exp list --filter 'metrics.lr > 0'
expect_contains "$TEST_DIR/err" "did you mean 'params.lr'"
expect_exit 2 mlops exp list -c name,nosuch
expect_contains "$TEST_DIR/err" "unknown field 'nosuch' in --columns"
expect_exit 2 mlops exp list --filter 'tag:bset'
expect_contains "$TEST_DIR/err" "no run has tag 'bset'"
expect_contains "$TEST_DIR/err" "did you mean 'tag:best'"
expect_exit 2 mlops exp list --sort nosuchfield
expect_clean_error

# A bare name that two fields share is ambiguous.
expect_exit 0 mlops exp run -n r3 --new-keys -S acc=1 -- sh -c "echo '{\"acc\": 0.2}' > metrics.json"
expect_exit 2 mlops exp list --sort acc
expect_clean_error
expect_contains "$TEST_DIR/err" "'acc' in --sort is ambiguous: it could be params.acc or metrics.acc"
expect_exit 0 mlops --json exp list --sort metrics.acc
expect_eq "$(names)" "r3 r1 r2" "--sort metrics.acc"

# A metric only runs outside HEAD's recent history have: --all is the hint.
git checkout -q -b other
git commit -q --allow-empty -m other
expect_exit 0 mlops exp run -n o1 -- sh -c "echo '{\"f1\": 0.3}' > metrics.json"
git checkout -q main
expect_exit 2 mlops exp list --sort f1
expect_contains "$TEST_DIR/err" "add --all"
expect_exit 0 mlops --json exp list --all --sort f1
expect_eq "$(names | cut -d' ' -f1)" "o1" "--all --sort f1"
# No run listed at all (a new branch): names are checked against every run.
git checkout -q --orphan fresh
git commit -q -m fresh
expect_exit 0 mlops --json exp list --sort -f1
expect_json "$TEST_DIR/out" length 0
expect_exit 2 mlops exp list --sort -f2
expect_contains "$TEST_DIR/err" "did you mean 'metrics.f1'"
