#!/usr/bin/env bash
# Twelve `mlops remote add` at once in one project: every remote ends up in mlops.yaml (each
# command reads, edits and replaces the file under a lock on the project directory), and the
# comment stays.
. "$(dirname "$0")/harness.sh"

mkdir proj && cd proj
printf '# mine\nschema: 1\n' >mlops.yaml
pids=()
for i in $(seq 1 12); do
  "$MLOPS" remote add "r$i" "file:///srv/r$i" 2>"$TEST_DIR/err.$i" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { cat "$TEST_DIR"/err.* >&2; fail "a remote add failed"; }; done
expect_exit 0 mlops --json remote list
expect_json "$TEST_DIR/out" length 12
expect_contains mlops.yaml "# mine"
