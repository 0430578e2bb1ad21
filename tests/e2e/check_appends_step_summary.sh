#!/usr/bin/env bash
# With GITHUB_STEP_SUMMARY set, `mlops check` appends its Markdown to that file; a summary that would pass GitHub's 1 MiB cap is not written by halves: the table is left out with a warning.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'gates:\n  metrics.accuracy: {min: 0.9}\n' >>mlops.yaml
git commit -qam gates
expect_exit 0 mlops exp run -n r -- sh -c 'echo "{\"accuracy\": 0.95}" > metrics.json'
echo "# earlier step" >"$TEST_DIR/summary.md"
GITHUB_STEP_SUMMARY="$TEST_DIR/summary.md" expect_exit 0 mlops check
expect_contains "$TEST_DIR/summary.md" "# earlier step"
expect_contains "$TEST_DIR/summary.md" "| metrics.accuracy |"
# The text output on stdout is unchanged by it.
expect_not_contains "$TEST_DIR/out" "| metrics.accuracy |"
# Nearly full: nothing half written, a warning says why.
head -c $((1024 * 1024 - 40)) /dev/zero | tr '\0' x >"$TEST_DIR/full.md"
before=$(sha256sum <"$TEST_DIR/full.md")
GITHUB_STEP_SUMMARY="$TEST_DIR/full.md" expect_exit 0 mlops check
expect_contains "$TEST_DIR/err" "1 MiB"
size=$(stat -c %s "$TEST_DIR/full.md")
[ "$size" -le $((1024 * 1024)) ] || fail "step summary grew past 1 MiB: $size"
if [ "$(sha256sum <"$TEST_DIR/full.md")" != "$before" ]; then
  tail -c +$((1024 * 1024 - 39)) "$TEST_DIR/full.md" | grep -q '^|' && fail "a table row was written into the full summary"
fi
true
