#!/usr/bin/env bash
# Every mlops command in the ```sh blocks of README.md, docs/*.md, bench/README.md and
# tests/fuzz/README.md runs and exits 0, in the order the docs show them, in one project.
# Two blocks are left to other tests: README's Scaffolding (init_readme_scaffolding_examples_run.sh)
# and Install (what the installed package does: tests/install/). Lines that are not mlops
# commands are classified by docs_shell_commands_are_classified.sh.
#
# Placeholder convention (what the examples may assume; keep new examples to it or extend it here):
# - They run in `demo`, a project from `mlops init demo --defaults` on branch main, with a
#   remote origin and the runs brave-otter, calm-heron and deeper (each `make train`).
# - Anything else an example names is made by an example before it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

$PYTHON -c 'import sklearn, yaml, joblib' 2>/dev/null ||
  skip "$PYTHON lacks scikit-learn, PyYAML or joblib (Debian: python3-sklearn python3-yaml python3-joblib)"

# mlops and the Debian python3 on PATH, as a user has them.
mkdir bin
ln -s "$MLOPS" bin/mlops
ln -s "$PYTHON" bin/python3
export PATH="$TEST_DIR/bin:$PATH"
git config --global init.defaultBranch main

(cd "$MLOPS_SOURCE_DIR" && doc_shell_lines) >commands.tsv
awk -F'\t' '$2 != "Scaffolding" && $2 != "Install" && $3 ~ /^mlops / {print}' commands.tsv >examples.tsv
[ "$(wc -l <examples.tsv)" -ge 15 ] || { cat commands.tsv >&2; fail "expected at least 15 mlops examples in the docs"; }

# The project.
mlops init demo --defaults >/dev/null 2>&1 || fail "mlops init demo --defaults failed"
git init -q --bare remote.git
cd demo
git remote add origin "$TEST_DIR/remote.git"
for run in brave-otter calm-heron deeper; do expect_exit 0 mlops exp run -n "$run" -- make train; done

ran=0
while IFS=$'\t' read -r doc section cmd; do
  ran=$((ran + 1))
  got=0
  (eval "$cmd") >"$TEST_DIR/out" 2>"$TEST_DIR/err" </dev/null || got=$?
  if [ "$got" != 0 ]; then
    echo "--- stdout:" >&2; cat "$TEST_DIR/out" >&2
    echo "--- stderr:" >&2; cat "$TEST_DIR/err" >&2
    fail "$doc ($section) example exits $got: $cmd"
  fi
done <"$TEST_DIR/examples.tsv"
echo "ran $ran examples from the docs"
