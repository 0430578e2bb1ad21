#!/usr/bin/env bash
# The fish completion script (committed and generated) is valid fish syntax.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v fish >/dev/null || skip "fish is not installed: cannot check the syntax of completions/mlops.fish"
expect_exit 0 mlops completion fish
cp "$TEST_DIR/out" "$TEST_DIR/mlops.fish"
for f in "$TEST_DIR/mlops.fish" "$MLOPS_SOURCE_DIR/completions/mlops.fish"; do
  fish -n "$f" || fail "fish -n rejects $f"
done
