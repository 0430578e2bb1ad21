#!/usr/bin/env bash
# `-S KEY=V` with a KEY the params file lacks exits 2 naming it, before anything runs; with --new-keys the key is added for the run only.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
params_before=$(sha256sum params.yaml)
expect_exit 2 mlops exp run -S dropout=0.2 -- touch ran.txt
expect_clean_error
expect_contains "$TEST_DIR/err" "no parameter 'dropout'"
expect_contains "$TEST_DIR/err" "--new-keys"
expect_no_path ran.txt
expect_eq "$(git for-each-ref refs/mlops/exps | wc -l)" 0 "run refs"
# A malformed -S is a usage error too.
expect_exit 2 mlops exp run -S lr -- true
expect_contains "$TEST_DIR/err" "-S expects"

# The command reads params.yaml as training code would (PyYAML): the new keys are there.
read_params='import yaml; d = yaml.safe_load(open("params.yaml")); print(d["dropout"], d["model"]["layers"], d["lr"], d["optimizer"])'
expect_exit 0 mlops exp run -n added --new-keys -S dropout=0.2 -S model.layers=3 -- "$PYTHON" -c "$read_params"
expect_eq "$(cat "$TEST_DIR/out")" "0.2 3 0.1 sgd" "params.yaml as the command read it"
expect_eq "$(sha256sum params.yaml)" "$params_before" "params.yaml after the run"
expect_exit 0 mlops --json exp show added
expect_json "$TEST_DIR/out" .params.dropout 0.2
expect_json "$TEST_DIR/out" '.params["model.layers"]' 3
expect_json "$TEST_DIR/out" .params.lr 0.1
s=$(jq -r .snapshot "$TEST_DIR/out")
git show "$s:params.yaml" >"$TEST_DIR/snap.yaml"
expect_eq "$(cd "$TEST_DIR" && cp snap.yaml params.yaml && "$PYTHON" -c "$read_params")" "0.2 3 0.1 sgd" "params.yaml in the snapshot"
