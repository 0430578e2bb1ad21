#!/usr/bin/env bash
# The README's main job (`make demo`) runs the whole loop on embedded defaults: the test takes the demo target's recipe from the Makefile (every line but the cmake build, which ctest's build already did, with build/cli/mlops being the binary under test) and runs it; then checks what the loop must leave: two runs, a report, the gates checked, the best run packaged and signed, the alias promoted locally and on the file:// remote, the package pulled back by its alias and verified.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

/usr/bin/python3 -c 'import sklearn, joblib' 2>/dev/null || skip "the template's training needs scikit-learn and joblib (Debian: python3-sklearn python3-joblib)"
/usr/bin/python3 -c 'import pytest' 2>/dev/null || skip "the demo runs the project's tests (Debian: python3-pytest)"
command -v make >/dev/null || skip "make is not installed"

# The demo target's recipe: the lines after 'demo:' up to the next blank line.
awk '/^demo:/ {on = 1; next} on && /^$/ {exit} on {sub(/^\t/, ""); print}' "$MLOPS_SOURCE_DIR/Makefile" >recipe
[ -s recipe ] || fail "no demo target in the Makefile"
grep -q '^demo: deps$' "$MLOPS_SOURCE_DIR/Makefile" || fail "make demo should install its packages first (demo: deps)"
# What is left once the build is taken out must be commands this test can run as they are.
grep -v '^cmake ' recipe >steps
[ "$(wc -l <steps)" -ge 1 ] || fail "the demo recipe does nothing but build"
if grep -n 'sudo\|apt\|install-packages' steps; then fail "the demo recipe installs packages outside 'deps'"; fi
# build/cli/mlops (relative to the source tree) is the binary under test.
mkdir -p src/build/cli
ln -s "$MLOPS" src/build/cli/mlops
for f in tools Makefile; do ln -s "$MLOPS_SOURCE_DIR/$f" "src/$f"; done
(cd src && TMPDIR="$TEST_DIR" bash -euo pipefail ../steps) >demo.out 2>demo.err ||
  { cat demo.out demo.err >&2; fail "the demo recipe failed"; }

demo=$(find "$TEST_DIR" -maxdepth 1 -type d -name 'mlops-demo.*')
[ -n "$demo" ] || fail "the demo made no directory under TMPDIR"
cd "$demo/churn-model"
export MLOPS_HOME=$demo/store
expect_exit 0 mlops --json exp list
expect_json "$TEST_DIR/out" '[.[].name] | sort | join(",")' "baseline,deeper"
expect_contains "$TEST_DIR/demo.out" "## mlops report"
expect_file "$demo/report.html"
expect_contains "$TEST_DIR/demo.out" "pass"
expect_exit 0 mlops --json model history prod
expect_json "$TEST_DIR/out" 'length' 1
expect_json "$TEST_DIR/out" '.[0].gates.passed' true
expect_json "$TEST_DIR/out" '.[0].signature.signed' true
expect_json "$TEST_DIR/out" '.[0].remote.tag' "file://$demo/remote/churn_model:prod"
best=$(jq -r '.[0].run' "$TEST_DIR/out")
expect_exit 0 mlops --json exp list --sort -metrics.accuracy --limit 1
expect_json "$TEST_DIR/out" '.[0].id' "$best"
MLOPS_HOME=$demo/store2 expect_exit 0 mlops package verify churn_model:prod --key "$demo/demo.key.pub"
# The loop leaves the project as it found it: nothing tracked changed.
[ -z "$(git status --porcelain --untracked-files=no)" ] || { git status --short >&2; fail "the demo left tracked changes"; }
