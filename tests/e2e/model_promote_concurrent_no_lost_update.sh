#!/usr/bin/env bash
# Eight concurrent `mlops model promote` to one alias: every promotion is in the history (compare-and-swap on the ref, retried), none lost.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
cd proj
pids=()
for i in 1 2 3 4 5 6 7 8; do
  "$MLOPS" model promote demo:1.0 --alias prod --reason "promotion $i" >"$TEST_DIR/p$i.out" 2>&1 &
  pids+=($!)
done
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { cat "$TEST_DIR/p$((i + 1)).out" >&2; fail "promotion $((i + 1)) failed"; }
done
expect_exit 0 mlops --json model history prod
expect_json "$TEST_DIR/out" length 8
expect_json "$TEST_DIR/out" '[.[].reason] | sort | join(",")' "promotion 1,promotion 2,promotion 3,promotion 4,promotion 5,promotion 6,promotion 7,promotion 8"
[ "$(git rev-list --count refs/mlops/aliases/prod)" = 8 ] || fail "expected 8 alias commits"
