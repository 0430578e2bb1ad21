#!/usr/bin/env bash
# README.md's "Continuous training" runs as written: its first block once in a project made by
# `mlops init demo --defaults` (then committed), its second block (the CI loop) there and then
# on a fresh clone with an empty store, where the pipeline runs no command (every stage comes
# from the remote) and the loop still records (with the pipeline's metrics: its check passes) and pushes.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
$PYTHON -c 'import sklearn, yaml, joblib' 2>/dev/null ||
  skip "$PYTHON lacks scikit-learn, PyYAML or joblib (Debian: python3-sklearn python3-yaml python3-joblib)"
mkdir -p "$TEST_DIR/bin"
ln -sf "$MLOPS" "$TEST_DIR/bin/mlops"
ln -sf "$PYTHON" "$TEST_DIR/bin/python3"
export PATH="$TEST_DIR/bin:$PATH"
git config --global init.defaultBranch main

# The Nth ```sh block after "## Continuous training", one command per line, comments dropped.
block() {
  awk -v want="$1" '/^## / {s = ($0 == "## Continuous training"); next}
    s && /^```sh/ {n++; b = (n == want); next} b && /^```/ {b = 0; next} b' "$MLOPS_SOURCE_DIR/README.md" |
    sed 's/[[:space:]]*#.*$//' | grep -v '^[[:space:]]*$'
}
block 1 >"$TEST_DIR/once"
block 2 >"$TEST_DIR/loop"
[ "$(wc -l <"$TEST_DIR/once")" -ge 3 ] || fail "found no first block in README.md's Continuous training"
[ "$(wc -l <"$TEST_DIR/loop")" -ge 2 ] || fail "found no loop block in README.md's Continuous training"
# run FILE: each line as the user types it, in order.
run() {
  local line
  while IFS= read -r line; do
    [[ $line == mlops\ * ]] || fail "not an mlops command: $line"
    eval "expect_exit 0 $line" </dev/null
    cp "$TEST_DIR/err" "$TEST_DIR/err.$(echo "$line" | cut -d' ' -f2-3 | tr ' ' _)"
  done <"$1"
}

expect_exit 0 mlops init demo --defaults
cd demo
git add -A && { git diff --cached --quiet || git commit -qm start; }
make_drift_csvs .   # new data, not in git yet
run "$TEST_DIR/once"
expect_file report.md
expect_file mlops.lock
git add -A && git commit -qm 'data, pipeline and remote'
run "$TEST_DIR/loop"

# The CI machine: a fresh clone, an empty store, the same remote.
cd .. && git clone -q demo ci && cd ci
export MLOPS_HOME="$TEST_DIR/ci-store"
run "$TEST_DIR/loop"
expect_not_contains "$TEST_DIR/err.exp_run" "running "
expect_eq "$(sha256sum <ref.csv)" "$(sha256sum <../demo/ref.csv)" "the data came from the remote"
expect_exit 0 mlops check --rev HEAD   # the committed metrics gate too (the loop's own check covered its run)
