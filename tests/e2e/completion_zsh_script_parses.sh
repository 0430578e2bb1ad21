#!/usr/bin/env bash
# The zsh completion script (committed and generated) is valid zsh syntax.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v zsh >/dev/null || skip "zsh is not installed: cannot check the syntax of completions/_mlops"
expect_exit 0 mlops completion zsh
cp "$TEST_DIR/out" "$TEST_DIR/_mlops"
for f in "$TEST_DIR/_mlops" "$MLOPS_SOURCE_DIR/completions/_mlops"; do
  zsh -n "$f" || fail "zsh -n rejects $f"
done
