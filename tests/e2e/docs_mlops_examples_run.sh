#!/usr/bin/env bash
# Every mlops command in the ```sh blocks of the docs (README.md, docs/*.md, bench/README.md,
# tests/fuzz/README.md, tests/servers/README.md) and then of the README that `mlops init` writes
# into a project (there, its other commands too: make train, make test, python3 ...) runs and
# exits 0, in the order the docs show them, in one project, and
# does what its comment says where that can be checked (shows()).
# Three blocks are left to other tests: README's Scaffolding (init_readme_scaffolding_examples_run.sh),
# Continuous training (readme_continuous_training_loop_runs.sh: two clones of its own) and Install (what the installed package does: tests/install/). Lines that are not mlops
# commands are classified by docs_shell_commands_are_classified.sh.
#
# They run in docs_workspace's `demo` (harness.sh: its placeholders are listed there and in
# docs/architecture.md "Tests"); anything else an example names is made by an example before it.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

(cd "$MLOPS_SOURCE_DIR" && doc_shell_lines) >commands.tsv
awk -F'\t' '$2 != "Scaffolding" && $2 != "Install" && $2 != "Continuous training" && $3 ~ /^mlops / {print}' commands.tsv >examples.tsv
[ "$(wc -l <examples.tsv)" -ge 15 ] || { cat commands.tsv >&2; fail "expected at least 15 mlops examples in the docs"; }

# shows CMD: where the docs say what an example prints or makes, it does (out/err: its output).
shows() {
  case $1 in
    "mlops exp list --filter "*)  # a filter that shows something: a header and runs
      [ "$(wc -l <"$TEST_DIR/out")" -ge 2 ] || { cat "$TEST_DIR/out" "$TEST_DIR/err" >&2; fail "$1 lists no run"; } ;;
    *" --md") grep -q '^| ' "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "$1 prints no Markdown table"; } ;;
    "mlops key generate release.key")
      if [ "$(stat -c %a release.key)" != 600 ] || [ ! -f release.key.pub ]; then fail "$1 makes no release.key (0600) + release.key.pub"; fi ;;
    "mlops package inspect "*)
      grep -qi 'lineage\|deeper' "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "$1 shows no lineage"; } ;;
    "mlops package unpack "*" ./deploy --filter model")
      if [ ! -f deploy/models/model.joblib ] || [ -e deploy/src ]; then fail "$1 does not unpack the model alone"; fi ;;
    "mlops package export "*" churn.tar && mlops package import churn.tar")
      [ -s churn.tar ] || fail "$1 writes no churn.tar" ;;
  esac
}

docs_workspace "$TEST_DIR/w"
cd "$TEST_DIR/w/demo"

# The generated project's README, as mlops init rendered it: all its lines but the two that
# install from the network (a virtualenv and pip).
doc_shell_lines README.md | sed 's|^README.md|the README of mlops init demo|' |
  awk -F'\t' '$3 !~ /^python3 -m venv |^make install$/ {print}' >>"$TEST_DIR/examples.tsv"

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
  shows "$cmd"
done <"$TEST_DIR/examples.tsv"
echo "ran $ran examples from the docs"
