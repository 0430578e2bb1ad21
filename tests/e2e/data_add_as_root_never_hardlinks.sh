#!/usr/bin/env bash
# Root ignores the 0444 of a hard-linked data file, so an edit through the link would rewrite
# the store's blob: as root, data add and checkout never hard-link (reflink or copy), and an
# edit of the workspace file leaves the store intact (fsck clean).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

[ "$(id -u)" = 0 ] || skip "needs root"
mkdir -p p/data/dir && cd p && git init -q && printf 'schema: 1\n' >mlops.yaml
echo original >data/raw.csv
echo inner >data/dir/x
expect_exit 0 mlops --json data add data/raw.csv
[ "$(jq -r .link "$TEST_DIR/out")" != hardlink ] || fail "root got a hard link"
expect_exit 0 mlops data add data/dir
sum=$(sha256sum <data/raw.csv | cut -d' ' -f1)
[ "$(stat -c %i data/raw.csv)" != "$(stat -c %i "$(store_blob "$sum")")" ] || fail "same inode as the blob"
echo edited >>data/raw.csv
echo edited >>data/dir/x
expect_exit 0 mlops cache fsck
expect_contains "$TEST_DIR/err" "none corrupt"
# checkout puts data back without linking the blob either.
rm -rf data/raw.csv data/dir
expect_exit 0 mlops checkout
[ "$(stat -c %i data/raw.csv)" != "$(stat -c %i "$(store_blob "$sum")")" ] || fail "checkout hard-linked the blob"
[ "$(stat -c %h data/dir/x)" = 1 ] || fail "checkout hard-linked a directory's file"
echo edited >>data/raw.csv
echo edited >>data/dir/x
expect_exit 0 mlops cache fsck
expect_contains "$TEST_DIR/err" "none corrupt"
