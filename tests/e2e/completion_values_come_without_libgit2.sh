#!/usr/bin/env bash
# `mlops __complete runs|packages|templates [PREFIX]` (what the completion scripts call) lists names and ids of runs, package tags and templates, filtered by PREFIX, honours -C and --store, starts no libgit2, creates no store and prints nothing but candidates.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
(cd repo && "$MLOPS" -q exp run -n brave-otter -- true && "$MLOPS" -q exp run -n calm-heron -- true && "$MLOPS" exp list --all >/dev/null)
ids=$(cd repo && "$MLOPS" --json exp list --all | jq -r '.[].id')
first_id=$(echo "$ids" | tail -1)

values() { cut -f1 "$TEST_DIR/out" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }
expect_exit 0 mlops -C repo __complete runs
expect_eq "$(values)" "brave-otter calm-heron" "runs"
expect_eq "$(cat "$TEST_DIR/err")" "" "stderr of __complete runs"
expect_exit 0 mlops -C repo __complete runs b
expect_eq "$(values)" "brave-otter" "runs with prefix b"
expect_exit 0 mlops -C repo __complete runs "${first_id:0:20}"
expect_eq "$(values)" "$first_id" "runs with an id prefix"
grep -q "	brave-otter$" "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "an id is described by its run's name"; }
# A run not listed since it finished is offered by its id.
(cd repo && "$MLOPS" -q exp run -n fresh-run -- true)
expect_exit 0 mlops -C repo __complete runs
[ "$(cut -f1 "$TEST_DIR/out" | grep -c '^0')" = 1 ] || { cat "$TEST_DIR/out" >&2; fail "the new run is not offered by id"; }

# No libgit2: the dynamic loader never maps it.
LD_DEBUG=libs "$MLOPS" -C repo __complete runs >"$TEST_DIR/out" 2>"$TEST_DIR/ld"
grep -q 'calling init' "$TEST_DIR/ld" || skip "LD_DEBUG=libs reports nothing here: cannot check which libraries load"
if grep -q 'libgit2' "$TEST_DIR/ld"; then fail "__complete runs loaded libgit2"; fi

# Packages: tags from the store's index.json; a missing store is not created.
expect_exit 0 mlops __complete packages
expect_eq "$(cat "$TEST_DIR/out")" "" "packages without a store"
expect_no_path "$MLOPS_HOME"
package_project
(cd proj && "$MLOPS" -q package tag demo:1.0 demo:prod && "$MLOPS" -q package tag demo:1.0 other:2)
expect_exit 0 mlops __complete packages
expect_eq "$(values)" "demo:1.0 demo:prod other:2" "packages"
expect_exit 0 mlops __complete packages demo:p
expect_eq "$(values)" "demo:prod" "packages with prefix"
mv "$MLOPS_HOME" "$TEST_DIR/elsewhere"
expect_exit 0 mlops __complete packages --store "$TEST_DIR/elsewhere" o
expect_eq "$(values)" "other:2" "packages in --store"
LD_DEBUG=libs "$MLOPS" __complete packages --store "$TEST_DIR/elsewhere" >"$TEST_DIR/out" 2>"$TEST_DIR/ld"
if grep -qE 'libgit2|libcrypto|libarchive' "$TEST_DIR/ld"; then fail "__complete packages loaded a library it does not need"; fi

expect_exit 0 mlops __complete templates ml
expect_eq "$(values)" "ml-project" "templates"
# Outside a repository, or for an unknown kind: nothing, quietly.
mkdir empty
expect_exit 0 mlops -C empty __complete runs
expect_eq "$(cat "$TEST_DIR/out")$(cat "$TEST_DIR/err")" "" "runs outside a repository"
expect_exit 0 mlops __complete nosuch
expect_eq "$(cat "$TEST_DIR/out")$(cat "$TEST_DIR/err")" "" "an unknown kind"
# Hidden from help.
expect_exit 0 mlops --help
expect_not_contains "$TEST_DIR/out" "__complete"
