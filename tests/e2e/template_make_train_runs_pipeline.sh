#!/usr/bin/env bash
# The ml-project template's `make train` runs its two-stage pipeline with `mlops repro`:
# mlops.lock records prepare and train, a second `make train` runs nothing, a changed param
# re-runs train only, and a dataset of your own in data/raw is never replaced by prepare.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

$PYTHON -c 'import sklearn, yaml, joblib' 2>/dev/null ||
  skip "$PYTHON lacks scikit-learn, PyYAML or joblib (Debian: python3-sklearn python3-yaml python3-joblib)"
expect_exit 0 mlops init demo --defaults
cd demo
expect_exit 0 mlops dag
expect_contains "$TEST_DIR/out" "train <- prepare"
make --no-print-directory train PYTHON="$PYTHON" >"$TEST_DIR/train.log" 2>&1 || { cat "$TEST_DIR/train.log" >&2; fail "make train failed"; }
expect_contains "$TEST_DIR/train.log" "running prepare"
expect_contains "$TEST_DIR/train.log" "running train"
expect_file models/model.joblib
expect_file metrics.json
expect_contains mlops.lock "prepare:"
expect_contains mlops.lock "train:"
make --no-print-directory train PYTHON="$PYTHON" >"$TEST_DIR/train.log" 2>&1 || { cat "$TEST_DIR/train.log" >&2; fail "make train failed"; }
expect_contains "$TEST_DIR/train.log" "pipeline is up to date"
sed -i 's/^  n_estimators: 100/  n_estimators: 20/' params.yaml
make --no-print-directory train PYTHON="$PYTHON" >"$TEST_DIR/train.log" 2>&1 || { cat "$TEST_DIR/train.log" >&2; fail "make train failed"; }
expect_contains "$TEST_DIR/train.log" "running train: param params.yaml:model changed"
expect_not_contains "$TEST_DIR/train.log" "running prepare"
# Your own data: prepare (persist, made only when missing) leaves it as it is.
head -101 data/raw/dataset.csv >mine.csv && cp mine.csv data/raw/dataset.csv
make --no-print-directory train PYTHON="$PYTHON" >"$TEST_DIR/train.log" 2>&1 || { cat "$TEST_DIR/train.log" >&2; fail "make train failed"; }
cmp -s mine.csv data/raw/dataset.csv || fail "prepare replaced the dataset"
expect_contains "$TEST_DIR/train.log" "running train"
# Inside `mlops exp run`, make train trains even when up to date, so the run has its metrics.
git add -A && git commit -qm "trained"
expect_exit 0 mlops --json exp run -n again -- make --no-print-directory train PYTHON="$PYTHON"
expect_json "$TEST_DIR/out" '.[0].status' completed
expect_json "$TEST_DIR/out" '.[0].metrics | has("accuracy")' true
