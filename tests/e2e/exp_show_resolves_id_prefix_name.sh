#!/usr/bin/env bash
# `mlops exp show` finds a run by id, unique id prefix (any case) or name; an ambiguous prefix exits 2 listing the candidates; an unknown run exits 3.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n first -- true
expect_exit 0 mlops exp run -n second -m "a note" -- sh -c 'echo second-output'
id1=$(exp_field first .id)
id2=$(exp_field second .id)
[ "$id1" != "$id2" ] || fail "two runs with one id"
for spec in "$id1" "${id1:0:20}" "$(tr '[:upper:]' '[:lower:]' <<<"${id1:0:20}")" first; do
  expect_exit 0 mlops --json exp show "$spec"
  expect_json "$TEST_DIR/out" .id "$id1"
  expect_json "$TEST_DIR/out" .name first
done
# The id prefix they share (their timestamps are close) is ambiguous.
n=0
while [ "${id1:n:1}" = "${id2:n:1}" ]; do n=$((n + 1)); done
[ "$n" -ge 4 ] || skip "the two ids share only $n characters (a prefix needs 4); the clock jumped"
common=${id1:0:n}
expect_exit 2 mlops exp show "$common"
expect_clean_error
expect_contains "$TEST_DIR/err" "ambiguous"
expect_contains "$TEST_DIR/err" "$id1 (first)"
expect_contains "$TEST_DIR/err" "$id2 (second)"
expect_exit 3 mlops exp show no-such-run
expect_clean_error
expect_contains "$TEST_DIR/err" "no run 'no-such-run'"
expect_exit 3 mlops exp show ZZZZZZ
# The text form: name, id, status, command, params, the note and the output's tail.
expect_exit 0 mlops exp show second
expect_contains "$TEST_DIR/out" "second  $id2"
expect_contains "$TEST_DIR/out" "completed (exit 0)"
expect_contains "$TEST_DIR/out" "sh -c echo second-output"
expect_contains "$TEST_DIR/out" "a note"
expect_contains "$TEST_DIR/out" "optimizer"
expect_contains "$TEST_DIR/out" "second-output"
