#!/usr/bin/env bash
# The exit codes in `mlops --help` and in README.md's "Exit codes" table are the same list, and both say that `exp run` exits with its command's code.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

expect_exit 0 mlops --help
sed -n '/^Exit codes:$/,/^$/p' "$TEST_DIR/out" >"$TEST_DIR/help-codes"
[ -s "$TEST_DIR/help-codes" ] || fail "mlops --help has no Exit codes section"
grep -oE '^  [0-9]+ ' "$TEST_DIR/help-codes" | tr -d ' ' >"$TEST_DIR/help-list"
sed -n '/^### Exit codes$/,/^#/p' "$MLOPS_SOURCE_DIR/README.md" >"$TEST_DIR/readme-codes"
grep -oE '^\| [0-9]+ \|' "$TEST_DIR/readme-codes" | tr -d '| ' >"$TEST_DIR/readme-list"
[ -s "$TEST_DIR/readme-list" ] || fail "README.md has no Exit codes table"
diff -u "$TEST_DIR/readme-list" "$TEST_DIR/help-list" >&2 || fail "README.md and mlops --help list different exit codes"
for f in help-codes readme-codes; do
  grep -q "exp run" "$TEST_DIR/$f" || { cat "$TEST_DIR/$f" >&2; fail "$f: does not say that exp run passes its command's exit code through"; }
  grep -q -- "--set" "$TEST_DIR/$f" || { cat "$TEST_DIR/$f" >&2; fail "$f: does not place --set mistakes"; }
  # Remote errors have retry classes (mlops::RemoteFailure), all under code 5.
  for class in authentication timeout transient refusal; do
    grep -q "$class" "$TEST_DIR/$f" || { cat "$TEST_DIR/$f" >&2; fail "$f: code 5 does not name the remote failure class '$class'"; }
  done
done
# The codes themselves come from one header.
while read -r code; do
  grep -qE "= ${code}[,; ]" "$MLOPS_SOURCE_DIR/cli/exit_codes.hpp" || fail "exit code $code is documented but not in cli/exit_codes.hpp"
done <"$TEST_DIR/help-list"
