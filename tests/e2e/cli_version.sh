#!/usr/bin/env bash
# `mlops --version` exits 0 and prints "mlops <version>" (the project version); `mlops version` agrees.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

want=$(sed -n 's/^project(mlops VERSION \([0-9.]*\).*/\1/p' "$MLOPS_SOURCE_DIR/CMakeLists.txt")
[ -n "$want" ] || fail "cannot read the version from CMakeLists.txt"
expect_exit 0 mlops --version
expect_eq "$(cat "$TEST_DIR/out")" "mlops $want" "mlops --version"
expect_eq "$(cat "$TEST_DIR/err")" "" "stderr of --version"
expect_exit 0 mlops version
grep -qE "^mlops $want( \(.+\))?\$" "$TEST_DIR/out" || { cat "$TEST_DIR/out" >&2; fail "mlops version: unexpected output"; }
expect_exit 0 mlops --json version
expect_json "$TEST_DIR/out" '.version' "$want"
expect_exit 0 mlops -V
expect_eq "$(cat "$TEST_DIR/out")" "mlops $want" "mlops -V"
expect_exit 0 mlops -q -V
expect_eq "$(cat "$TEST_DIR/out")" "mlops $want" "mlops -q -V"
