#!/usr/bin/env bash
# Unpacking over files that exist is a conflict (exit 6) that lists them and changes nothing; --force replaces them and leaves unrelated files alone; a symlink in the target directory is never written through, even with --force.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project

expect_exit 0 mlops package unpack demo:1.0 unpacked
printf 'edited\n' >unpacked/src/pkg/__init__.py
printf 'mine\n' >unpacked/notes.txt
before=$(tree_digest unpacked)

expect_exit 6 mlops package unpack demo:1.0 unpacked
expect_clean_error
expect_contains "$TEST_DIR/err" "already in"
expect_contains "$TEST_DIR/err" "src/pkg/__init__.py"
expect_contains "$TEST_DIR/err" "--force"
expect_eq "$(tree_digest unpacked)" "$before" "the target after the refused unpack"

expect_exit 0 mlops package unpack demo:1.0 unpacked --force
cmp proj/src/pkg/__init__.py unpacked/src/pkg/__init__.py || fail "--force did not restore src/pkg/__init__.py"
expect_eq "$(cat unpacked/notes.txt)" mine "an unrelated file"

# A directory of the package replaced by a symlink pointing outside: refused, with or
# without --force, and nothing lands where it points.
mkdir outside
rm -rf unpacked/src
ln -s ../outside unpacked/src
before=$(tree_digest unpacked)
for force in "" --force; do
  expect_exit 6 mlops package unpack demo:1.0 unpacked $force
  expect_clean_error
  expect_contains "$TEST_DIR/err" "symlink"
  expect_eq "$(tree_digest unpacked)" "$before" "the target after refusing to write through a symlink ($force)"
  [ -z "$(ls -A outside)" ] || fail "something was written through the symlink into outside/"
done
