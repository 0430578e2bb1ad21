#!/usr/bin/env bash
# A PyTorch / GitLab CI / no notebooks / Apache-2.0 project has the right files, and its tests and training run.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

$PYTHON -c 'import torch' 2>/dev/null || skip "$PYTHON cannot import torch (Debian: python3-torch)"
$PYTHON -c 'import pytest, yaml' 2>/dev/null || skip "$PYTHON lacks pytest or PyYAML (Debian: python3-pytest python3-yaml)"

expect_exit 0 mlops init tp --defaults -s framework=pytorch -s ci=gitlab -s include_notebooks=no -s license=Apache-2.0
expect_eq "$(git -C tp status --porcelain --untracked-files=all)" "" "git status in tp"

expect_file tp/.gitlab-ci.yml
expect_no_path tp/.github
expect_no_path tp/notebooks
expect_no_path tp/tests/test_notebooks.py
expect_contains tp/LICENSE "Apache License"
expect_contains tp/src/tp/model.py "torch"
expect_contains tp/.mlops/answers.yaml 'framework: "pytorch"'
expect_contains tp/.mlops/answers.yaml 'ci: [gitlab]'
expect_contains tp/.mlops/answers.yaml 'include_notebooks: false'

cd tp
$PYTHON -m pytest -q -p no:cacheprovider >"$TEST_DIR/pytest.log" 2>&1 || { cat "$TEST_DIR/pytest.log" >&2; fail "pytest failed in the generated project"; }
grep -qE '^[0-9]+ passed' "$TEST_DIR/pytest.log" || { cat "$TEST_DIR/pytest.log" >&2; fail "pytest ran no tests"; }
make --no-print-directory train PYTHON="$PYTHON" >"$TEST_DIR/train.log" 2>&1 || { cat "$TEST_DIR/train.log" >&2; fail "make train failed"; }
expect_file metrics.json
expect_file models/model.pt
expect_no_path models/model.joblib
