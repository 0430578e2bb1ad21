#!/usr/bin/env bash
# A run records feature importances from importances.json (when the run wrote it) and `mlops exp log --importance` (which wins) in its tree; `mlops report` shows the top features with the change against the baseline (Markdown table, HTML bars as inline SVG, JSON); a stale importances.json is not credited to a later run.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir bin && ln -s "$MLOPS" bin/mlops
export PATH="$TEST_DIR/bin:$PATH"
exp_repo repo
cd repo
echo importances.json >.gitignore
git add .gitignore && git commit -qm ignore
expect_exit 0 mlops exp run -n base -- sh -c 'echo "{\"accuracy\": 0.8}" >metrics.json; echo "{\"age\": 0.5, \"income\": 0.25, \"city\": 0.1}" >importances.json'
expect_exit 0 mlops exp run -n next -- sh -c 'echo "{\"accuracy\": 0.9}" >metrics.json; echo "{\"age\": 0.4, \"income\": 0.3, \"zip\": 0.05}" >importances.json; mlops exp log --importance city=0.2 --importance age=0.45'
commit=$(mlops --json exp show next | jq -r .commit)
git show "$commit:importances.json" >imp.json
expect_json imp.json .age 0.45
expect_json imp.json .city 0.2
expect_json imp.json .zip 0.05
# A run that does not write the file is not credited with the earlier one's values.
expect_exit 0 mlops exp run -n stale -- sh -c 'echo "{\"accuracy\": 0.7}" >metrics.json'
commit=$(mlops --json exp show stale | jq -r .commit)
if git cat-file -e "$commit:importances.json" 2>/dev/null; then fail "stale importances.json recorded"; fi

expect_exit 0 mlops report next --against base
expect_contains "$TEST_DIR/out" "### Feature importances"
expect_contains "$TEST_DIR/out" "| age | 0.45 (-0.05"
expect_contains "$TEST_DIR/out" "| income | 0.3 (+0.05"
# Largest first.
[ "$(grep -n '^| age ' "$TEST_DIR/out" | cut -d: -f1)" -lt "$(grep -n '^| zip ' "$TEST_DIR/out" | cut -d: -f1)" ] || fail "not sorted"
expect_exit 0 mlops report next --against base --format html
expect_contains "$TEST_DIR/out" "<h2>Feature importances</h2>"
[ "$(grep -o 'class="bar"' "$TEST_DIR/out" | wc -l)" = 4 ] || fail "expected 4 bars"
expect_contains "$TEST_DIR/out" 'class="base"'
expect_exit 0 mlops --json report next --against base
expect_json "$TEST_DIR/out" '.runs[0].importances.income' 0.3
expect_json "$TEST_DIR/out" '.baseline.importances.age' 0.5
# A run without importances: no section.
expect_exit 0 mlops report stale
expect_not_contains "$TEST_DIR/out" "Feature importances"
# Bad values are refused like metrics.
expect_exit 2 mlops exp run -n bad -- mlops exp log --importance age=abc
expect_exit 0 mlops exp run -n bad2 -- sh -c 'mlops exp log --importance age 2>err.txt; test $? = 2'
