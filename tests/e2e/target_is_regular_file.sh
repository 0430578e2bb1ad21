#!/usr/bin/env bash
# A target that is an existing regular file exits 6 (also with --force) and the file is untouched.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir work
echo "precious" >work/proj
before=$(tree_digest work)
expect_exit 6 mlops init work/proj --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "not a directory"
expect_eq "$(tree_digest work)" "$before" "work/ after the refused init"
expect_exit 6 mlops init work/proj --defaults --force
expect_clean_error
expect_eq "$(tree_digest work)" "$before" "work/ after the refused init with --force"
