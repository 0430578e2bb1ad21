#!/usr/bin/env bash
# A pull that dies midway (killed by a signal while a blob is half written: here SIGXFSZ from
# a 1 MiB file size limit, which stops it at the same byte every run) leaves the partial blob;
# the same command then continues from it instead of starting again: it reads only the
# missing bytes from the remote.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
remote="$TEST_DIR/remote"
expect_exit 0 mlops push demo:1.0 "file://$remote"
total=$(jq -r '[.layers[].size, .config.size] | add' "$remote/demo/blobs/sha256/$(jq -r '.manifests[0].digest' "$remote/demo/index.json" | cut -d: -f2)")

export MLOPS_HOME="$TEST_DIR/second-store"
rc=0
(ulimit -f 1024; exec "$MLOPS" --json pull --jobs 1 "file://$remote/demo:1.0") >out1 2>err1 || rc=$?
[ "$rc" -gt 128 ] || { cat err1 >&2; fail "the limited pull was not killed (exit $rc)"; }
partial=$(find "$MLOPS_HOME/ingest" -name 'partial-*' -size +0 | head -1)
[ -n "$partial" ] || fail "no partial blob was left"
kept=$(stat -c %s "$partial")
expect_json "$MLOPS_HOME/index.json" '.manifests | length' 0

expect_exit 0 mlops --json pull --jobs 1 "file://$remote/demo:1.0"
resumed=$(jq -r .bytes_resumed "$TEST_DIR/out")
received=$(jq -r .bytes_received "$TEST_DIR/out")
[ "$resumed" -ge "$kept" ] || fail "resumed $resumed bytes, the partial blob held $kept"
[ $((resumed + received)) -le "$total" ] || fail "read $received bytes again on top of $resumed resumed (package: $total)"
expect_exit 0 mlops package verify demo:1.0
