#!/usr/bin/env bash
# The built-in template's training writes importances.json (permutation importance through the model's own predict), so `mlops exp run` records it and `mlops report` shows it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

$PYTHON -c 'import sklearn, yaml, joblib' 2>/dev/null ||
  skip "$PYTHON lacks scikit-learn, PyYAML or joblib (Debian: python3-sklearn python3-yaml python3-joblib)"
expect_exit 0 mlops init demo --defaults
cd demo
expect_exit 0 mlops exp run -n first -- make train PYTHON="$PYTHON"
commit=$(mlops --json exp show first | jq -r .commit)
git show "$commit:importances.json" >"$TEST_DIR/imp.json" || fail "no importances.json in the run"
expect_json "$TEST_DIR/imp.json" 'keys | length > 1' true
expect_json "$TEST_DIR/imp.json" 'has("feature_0")' true
expect_exit 0 mlops report first
expect_contains "$TEST_DIR/out" "### Feature importances"
expect_contains "$TEST_DIR/out" "| feature_"
# The model card of a package built from the run lists them.
expect_exit 0 mlops --json package build --from-exp first
ref=$(jq -r .ref "$TEST_DIR/out")
expect_exit 0 mlops package unpack "$ref" "$TEST_DIR/unpacked"
expect_contains "$TEST_DIR/unpacked/MODEL_CARD.md" "### Feature importances"
expect_contains "$TEST_DIR/unpacked/MODEL_CARD.md" "| feature_"
