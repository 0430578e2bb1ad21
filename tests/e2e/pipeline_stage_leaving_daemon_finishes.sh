#!/usr/bin/env bash
# A stage whose command starts a background process (which keeps the output pipe open) and
# exits is done when the command exits: repro does not wait for the daemon to end.
# (`timeout` only guards against the hang this checks; it asserts no duration.)
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
trap 'kill "$(cat "$TEST_DIR/p/daemon.pid" 2>/dev/null)" 2>/dev/null || true; on_exit' EXIT
printf 'stages:\n  s:\n    cmd: (sleep 100000 & echo $! > daemon.pid); echo done > o\n    deps: [d]\n    outs: [o]\n' >mlops.yaml
echo 1 >d
expect_exit 0 timeout 60 "$MLOPS" repro
expect_eq "$(cat o)" "done" "the output"
expect_exit 0 mlops status
expect_contains "$TEST_DIR/err" "pipeline is up to date"
