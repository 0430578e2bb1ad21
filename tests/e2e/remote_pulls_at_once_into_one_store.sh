#!/usr/bin/env bash
# Three pulls of the same package into one store at once: every one succeeds, each blob is
# written by one writer at a time (the partial blob's lock), nothing is left in ingest/, and the
# store verifies.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
remote="$TEST_DIR/remote"
expect_exit 0 mlops push demo:1.0 "file://$remote"

export MLOPS_HOME="$TEST_DIR/second-store"
pids=()
for i in 1 2 3; do
  "$MLOPS" pull "file://$remote/demo:1.0" -t "demo:copy$i" >"out.$i" 2>"err.$i" &
  pids+=($!)
done
for i in 1 2 3; do
  wait "${pids[$((i - 1))]}" || { cat "err.$i" >&2; fail "pull $i failed"; }
done
for i in 1 2 3; do expect_exit 0 mlops package verify "demo:copy$i"; done
[ -z "$(find "$MLOPS_HOME/ingest" -type f)" ] || fail "files left in ingest/"
