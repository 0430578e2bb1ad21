#!/usr/bin/env bash
# An existing non-empty target exits 6 without --force and is left exactly as it was.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p work/proj
echo "mine" >work/proj/notes.txt
echo "# my readme" >work/proj/README.md
before=$(tree_digest work)
expect_exit 6 mlops init work/proj --defaults
expect_clean_error
expect_contains "$TEST_DIR/err" "$(pwd -P)/work/proj exists and is not empty"
grep '^hint:' "$TEST_DIR/err" | grep -q -- '--force' || fail "the hint does not mention --force"
expect_eq "$(tree_digest work)" "$before" "work/ after the refused init"

# A hidden file alone also makes it non-empty.
mkdir work/hidden
touch work/hidden/.env
before=$(tree_digest work)
expect_exit 6 mlops init work/hidden --defaults
expect_eq "$(tree_digest work)" "$before" "work/ after the refused init into hidden/"
