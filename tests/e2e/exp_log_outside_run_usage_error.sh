#!/usr/bin/env bash
# `mlops exp log` outside a command started by `mlops exp run` exits 2 and says where it works; bad values are usage errors too.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
unset MLOPS_RUN_DIR MLOPS_RUN_ID
expect_exit 2 mlops exp log loss=0.3
expect_clean_error
expect_contains "$TEST_DIR/err" "no run to log to"
expect_contains "$TEST_DIR/err" "mlops exp run"
expect_eq "$(git for-each-ref refs/mlops | wc -l)" 0 "refs"
# Outside a repository: "not a git repository", exit 2 like every command that needs one.
cd "$TEST_DIR"
expect_exit 2 mlops exp log loss=0.3
expect_contains "$TEST_DIR/err" "not a git repository"
# Inside a run, malformed input is a usage error and the run goes on.
cd repo
bin=$(dirname "$MLOPS")
expect_exit 0 env PATH="$bin:$PATH" "$MLOPS" exp run -n r -- sh -c '
  mlops exp log loss=abc; echo "number:$?"
  mlops exp log =1; echo "key:$?"
  mlops exp log; echo "nothing:$?"
  mlops exp log loss=1; echo "ok:$?"'
expect_eq "$(grep -E '^(number|key|nothing|ok):' "$TEST_DIR/out" | paste -sd' ')" "number:2 key:2 nothing:2 ok:0" "exit codes inside the run"
expect_eq "$(exp_field r .metrics.loss.count)" 1 "values logged"
