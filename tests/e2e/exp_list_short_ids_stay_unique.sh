#!/usr/bin/env bash
# The ID column of `exp list` always names one run: where runs (forged by a remote) share the
# first 8 characters of their ids' random part, their short ids grow until they differ; where
# they share all of it, the whole id is shown. Every ID shown resolves to its own run.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n first -- true
id1=$(exp_field first .id)
forge() {  # NEW_ID NAME
  git update-ref "refs/mlops/exps/$1" \
    "$("$PYTHON" "$MLOPS_SOURCE_DIR/tests/e2e/forge_run.py" "refs/mlops/exps/$id1" "$1" --set "name=\"$2\"")"
}
# Same 8 (and 10) characters as first's random part, then different (the 11th must differ:
# a fixed Z matched first's own one run in 32); and a full twin.
differ=Z && [ "${id1:20:1}" != Z ] || differ=Y
forge "${id1:0:10}${id1:10:10}${differ}ZZZZZ" near
forge "0000000000${id1:10:16}" twin

expect_exit 0 mlops exp list --all
awk 'NR > 1 { print $1, $2 }' "$TEST_DIR/out" >"$TEST_DIR/shown"
[ "$(wc -l <"$TEST_DIR/shown")" = 3 ] || { cat "$TEST_DIR/out" >&2; fail "expected three runs listed"; }
while read -r short name; do
  [ "${#short}" -ge 8 ] || fail "short id '$short' of $name is shorter than 8"
  expect_exit 0 mlops --json exp show "$short"
  expect_json "$TEST_DIR/out" .name "$name"
done <"$TEST_DIR/shown"
near_short=$(awk '$2 == "near" { print $1 }' "$TEST_DIR/shown")
expect_eq "${#near_short}" 11 "near's short id: one character past the 10 it shares"
expect_eq "$(awk '$2 == "twin" { print $1 }' "$TEST_DIR/shown")" "0000000000${id1:10:16}" "twin's short id: its whole id"
