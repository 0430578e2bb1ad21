#!/usr/bin/env bash
# `mlops init demo --defaults` makes one clean commit with recorded answers, and the project's own tests and training run.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

$PYTHON -c 'import sklearn, pytest, yaml, joblib' 2>/dev/null ||
  skip "$PYTHON lacks scikit-learn, pytest, PyYAML or joblib (Debian: python3-sklearn python3-pytest python3-yaml python3-joblib)"

expect_exit 0 mlops init demo --defaults
expect_contains "$TEST_DIR/err" "Created $(pwd -P)/demo from ml-project"

# Exactly one commit, with the template's message, and nothing left uncommitted.
expect_eq "$(git -C demo rev-list --count HEAD)" 1 "commits in demo"
expect_eq "$(git -C demo log -1 --format=%s)" "Initialize project from mlops template ml-project 1.3.0" "commit subject"
git -C demo log -1 --format=%B | grep -qx 'Template: builtin ml-project' || fail "commit body does not name the template"
expect_eq "$(git -C demo status --porcelain --untracked-files=all)" "" "git status in demo"
expect_eq "$(git -C demo ls-files | wc -l)" "$(find demo -path demo/.git -prune -o -type f -print | wc -l)" "tracked files = files on disk"

# The answers are recorded (and committed), without timestamps.
expect_file demo/.mlops/answers.yaml
git -C demo ls-files --error-unmatch .mlops/answers.yaml >/dev/null || fail ".mlops/answers.yaml is not committed"
expect_contains demo/.mlops/answers.yaml 'name: ml-project'
expect_contains demo/.mlops/answers.yaml 'project_name: "demo"'
expect_contains demo/.mlops/answers.yaml 'package_name: "demo"'
expect_contains demo/.mlops/answers.yaml 'framework: "sklearn"'
expect_contains demo/.mlops/answers.yaml 'include_notebooks: true'
if grep -nE '[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}:[0-9]{2}:[0-9]{2}|(date|time|created|generated_at):' demo/.mlops/answers.yaml; then
  fail ".mlops/answers.yaml contains a timestamp"
fi

cd demo
$PYTHON -m pytest -q -p no:cacheprovider >"$TEST_DIR/pytest.log" 2>&1 || { cat "$TEST_DIR/pytest.log" >&2; fail "pytest failed in the generated project"; }
grep -qE '^[0-9]+ passed' "$TEST_DIR/pytest.log" || { cat "$TEST_DIR/pytest.log" >&2; fail "pytest ran no tests"; }
expect_no_path metrics.json
make --no-print-directory train PYTHON="$PYTHON" >"$TEST_DIR/train.log" 2>&1 || { cat "$TEST_DIR/train.log" >&2; fail "make train failed"; }
expect_file metrics.json
expect_file models/model.joblib
jq -e '.accuracy > 0.5' metrics.json >/dev/null || { cat metrics.json >&2; fail "metrics.json has no plausible accuracy"; }
