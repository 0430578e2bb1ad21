#!/usr/bin/env bash
# The command's stdout and stderr pass through and are kept in logs/stdout and logs/stderr; more than 1 MiB keeps the last 1 MiB and sets logs.stdout_truncated.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n small -- sh -c 'echo to-stdout; echo to-stderr >&2'
expect_contains "$TEST_DIR/out" "to-stdout"
expect_contains "$TEST_DIR/err" "to-stderr"
expect_not_contains "$TEST_DIR/out" "to-stderr"
c=$(exp_field small .commit)
expect_eq "$(git show "$c:logs/stdout")" "to-stdout" "logs/stdout"
expect_eq "$(git show "$c:logs/stderr")" "to-stderr" "logs/stderr"
expect_eq "$(exp_field small .logs.stdout_truncated)" false "stdout_truncated"
expect_exit 0 mlops exp show small
expect_contains "$TEST_DIR/out" "to-stdout"

# 1.5 MB of numbered lines, then a marker: the tail is kept, the head dropped.
# shellcheck disable=SC2016
expect_exit 0 mlops exp run -n big -- sh -c 'seq 1 200000; echo END-OF-OUTPUT'
expect_eq "$(wc -c <"$TEST_DIR/out")" "$(( $(seq 1 200000 | wc -c) + 14 ))" "bytes passed through"
c=$(exp_field big .commit)
expect_eq "$(git cat-file -s "$c:logs/stdout")" 1048576 "size of logs/stdout"
expect_eq "$(git show "$c:logs/stdout" | tail -n 1)" "END-OF-OUTPUT" "last line of logs/stdout"
git show "$c:logs/stdout" | grep -qx 1 && fail "the head of the output was kept"
expect_eq "$(exp_field big .logs.stdout_truncated)" true "stdout_truncated"
expect_eq "$(exp_field big .logs.stderr_truncated)" false "stderr_truncated"
expect_eq "$(git show "$c:logs/stdout" | tail -c 1048576 | cmp - <(tail -c 1048576 "$TEST_DIR/out") && echo same)" same "logs/stdout is the tail of the output"
