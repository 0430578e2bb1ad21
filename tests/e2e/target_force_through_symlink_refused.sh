#!/usr/bin/env bash
# --force where a directory inside the target is a symlink to outside exits 6 and writes nothing through the link.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p proj outside/src outside/tests
echo "keep" >proj/notes.txt
echo "victim" >outside/README.md
ln -s ../outside/src proj/src          # the template writes src/<package>/...
ln -s ../outside/README.md proj/README.md   # ... and README.md
before=$(tree_digest .)
expect_exit 6 mlops init proj --defaults --force
expect_clean_error
expect_contains "$TEST_DIR/err" "symlink"
rm "$TEST_DIR/out" "$TEST_DIR/err"
expect_eq "$(tree_digest .)" "$before" "the test directory after the refused init"
expect_eq "$(cat outside/README.md)" victim "outside/README.md"
expect_eq "$(find outside -type f | wc -l)" 1 "files under outside/"

# The same for a link to a file only.
rm proj/src
before=$(tree_digest .)
expect_exit 6 mlops init proj --defaults --force
expect_clean_error
rm "$TEST_DIR/out" "$TEST_DIR/err"
expect_eq "$(tree_digest .)" "$before" "the test directory after the refused init (file link)"
