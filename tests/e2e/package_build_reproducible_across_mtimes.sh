#!/usr/bin/env bash
# The same inputs give the same manifest digest bit for bit: a second build in a copy of the
# project on "another machine" (other inodes, other mtimes, other owner bits, another store)
# matches the first, with tar and zstd layers alike.
. "$(dirname "$0")/harness.sh"

make_package_project proj
expect_exit 0 mlops --json -C proj package build --compression zstd
first=$(jq -r .digest "$TEST_DIR/out")

cp -a proj copy
find copy -exec touch -h -d '2031-05-04 03:02:01' {} +
chmod 600 copy/README.md        # group/other bits are normalised away
MLOPS_HOME=$TEST_DIR/other-store expect_exit 0 mlops --json -C copy package build --compression zstd
expect_json "$TEST_DIR/out" .digest "$first"
expect_json "$TEST_DIR/out" .bytes_read "$(jq -r .bytes_read "$TEST_DIR/out")"
[ "$(jq -r .bytes_read "$TEST_DIR/out")" -gt 2000000 ] || fail "the copy was read (new inodes)"

# Rebuilding in place reads nothing and gives the same digest again.
expect_exit 0 mlops --json -C proj package build --compression zstd
expect_json "$TEST_DIR/out" .digest "$first"
expect_json "$TEST_DIR/out" .bytes_read 0
expect_json "$TEST_DIR/out" .new_blobs 0

# Tar entries carry no time, owner or host detail.
m=$(jq -r '.manifests[0].digest' "$MLOPS_HOME/index.json")
code=$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] == "src") | .digest' "$(store_blob "$m")")
zstd -dc "$(store_blob "$code")" | tar -tvf - >listing
expect_contains listing "0/0"
expect_contains listing "1970-01-01 00:00"
expect_contains listing "src/alias.py -> pkg/__init__.py"
expect_contains listing "-rwxr-xr-x 0/0"
