#!/usr/bin/env bash
# `mlops init ''` (an empty DIR, e.g. from an unset variable in a script) is a usage error (exit 2) with a one-line error, not an internal error (exit 70) from std::filesystem::absolute; nothing is created.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir work
cd work
expect_exit 2 mlops init '' --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "empty"
expect_eq "$(find . | wc -l)" 1 "entries in the current directory"
