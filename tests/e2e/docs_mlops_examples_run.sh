#!/usr/bin/env bash
# Every mlops command in the ```sh blocks of README.md, docs/*.md, bench/README.md and
# tests/fuzz/README.md runs and exits 0, in the order the docs show them, in one project.
# Two blocks are left to other tests: README's Scaffolding (init_readme_scaffolding_examples_run.sh)
# and Install (what the installed package does: tests/install/). Lines that are not mlops
# commands are classified by docs_shell_commands_are_classified.sh.
#
# They run in docs_workspace's `demo` (harness.sh: its placeholders are listed there and in
# docs/architecture.md "Tests"); anything else an example names is made by an example before it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

(cd "$MLOPS_SOURCE_DIR" && doc_shell_lines) >commands.tsv
awk -F'\t' '$2 != "Scaffolding" && $2 != "Install" && $3 ~ /^mlops / {print}' commands.tsv >examples.tsv
[ "$(wc -l <examples.tsv)" -ge 15 ] || { cat commands.tsv >&2; fail "expected at least 15 mlops examples in the docs"; }

docs_workspace "$TEST_DIR/w"
cd "$TEST_DIR/w/demo"

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
