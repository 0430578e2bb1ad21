#!/usr/bin/env bash
# The committed completion scripts (completions/) are exactly what `mlops completion bash|zsh|fish` prints.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

stale=0
for pair in bash:mlops.bash zsh:_mlops fish:mlops.fish; do
  shell=${pair%%:*} file="$MLOPS_SOURCE_DIR/completions/${pair#*:}"
  expect_exit 0 mlops completion "$shell"
  [ -s "$TEST_DIR/out" ] || fail "mlops completion $shell printed nothing"
  if [ ! -f "$file" ]; then
    echo "missing: $file" >&2
    stale=1
  elif ! diff -u "$file" "$TEST_DIR/out" >&2; then
    echo "stale: $file differs from 'mlops completion $shell' (diff above)" >&2
    stale=1
  fi
done
[ "$stale" = 0 ] || fail "completion scripts are out of date; regenerate them with: make completions"
