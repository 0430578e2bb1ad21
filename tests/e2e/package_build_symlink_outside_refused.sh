#!/usr/bin/env bash
# A symlink that points outside the package is refused with a clear error naming it (never
# dropped silently); nothing is added to the store's index.
. "$(dirname "$0")/harness.sh"

make_package_project proj
echo secret >outside.txt
ln -s ../../outside.txt proj/src/leak.txt
expect_exit 4 mlops -C proj package build
expect_clean_error
expect_contains "$TEST_DIR/err" "src/leak.txt is a symlink to '../../outside.txt', outside the package"
[ ! -f "$MLOPS_HOME/index.json" ] || expect_eq "$(jq '.manifests | length' "$MLOPS_HOME/index.json")" 0

rm proj/src/leak.txt
ln -s /etc/passwd proj/src/abs.txt
expect_exit 4 mlops -C proj package build
expect_contains "$TEST_DIR/err" "src/abs.txt is a symlink to '/etc/passwd', outside the package"

# One into another listed path is fine, and kept as a symlink.
rm proj/src/abs.txt
ln -s ../README.md proj/src/README.link
expect_exit 0 mlops --json -C proj package build
