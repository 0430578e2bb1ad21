#!/usr/bin/env bash
# Every command in README.md's Scaffolding example block runs as written, in order, in one directory (no terminal: defaults).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# The first ```sh block after "## Scaffolding", one command per line, comments dropped.
awk '/^## Scaffolding/ {s = 1; next} s && /^```sh/ {b = 1; next} b && /^```/ {exit} b' "$MLOPS_SOURCE_DIR/README.md" |
  sed 's/[[:space:]]*#.*$//' | grep -v '^[[:space:]]*$' >"$TEST_DIR/examples"
[ "$(wc -l <"$TEST_DIR/examples")" -ge 3 ] || fail "found no scaffolding examples in README.md"
while IFS= read -r line; do
  [[ $line == mlops\ * ]] || fail "not an mlops command: $line"
  # shellcheck disable=SC2086  # word splitting as the shell would do it for the user
  eval "expect_exit 0 $line" </dev/null
done <"$TEST_DIR/examples"
