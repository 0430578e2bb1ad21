#!/usr/bin/env bash
# mlops data add: a file and a directory go into the store without a copy (the workspace file
# is the store's blob, or a reflink of it), PATH.mlops and a .gitignore entry are written, and
# `mlops checkout` puts deleted data back, the executable bit included.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p p/data/imgs/sub && cd p && git init -q && printf 'schema: 1\n' >mlops.yaml
printf 'a,b\n1,2\n' >data/raw.csv
echo one >data/imgs/1 && printf '#!/bin/sh\n' >data/imgs/sub/run.sh && chmod +x data/imgs/sub/run.sh
raw_sum=$(sha256sum <data/raw.csv | cut -d' ' -f1)
expect_exit 0 mlops data add data/raw.csv
expect_eq "$(cat "$TEST_DIR/out")" "data/raw.csv.mlops" "the pointer is the result"
expect_contains data/raw.csv.mlops "sha256: $raw_sum"
expect_contains data/raw.csv.mlops "path: raw.csv"
expect_contains data/.gitignore "/raw.csv"
blob=$(store_blob "$raw_sum")
expect_file "$blob"
# One inode (hard link) or shared extents (reflink): never a second copy's worth of writing.
link=$(grep -o 'hardlink\|reflink\|copy' "$TEST_DIR/err" | head -1)
[ "$link" = hardlink ] && expect_eq "$(stat -c %i data/raw.csv)" "$(stat -c %i "$blob")" "same inode"
[ "$link" != copy ] || fail "data add copied on one filesystem"
# Added again unchanged: still the same link, no copy made.
expect_exit 0 mlops --json data add data/raw.csv
expect_json "$TEST_DIR/out" .link "$link"
[ "$link" = hardlink ] && expect_eq "$(stat -c %i data/raw.csv)" "$(stat -c %i "$blob")" "same inode after a second add"
expect_exit 0 mlops --json data add data/imgs
expect_json "$TEST_DIR/out" .nfiles 2
expect_contains data/.gitignore "/imgs"
expect_exit 0 mlops data add data/imgs   # again: nothing new, the .gitignore line once
expect_eq "$(grep -c '^/imgs$' data/.gitignore)" 1 ".gitignore entry once"
expect_exit 0 mlops data status
expect_contains "$TEST_DIR/err" "all data matches its pointers"
rm -rf data/imgs data/raw.csv
expect_exit 0 mlops checkout
expect_contains "$TEST_DIR/out" "restored data/imgs"
expect_contains "$TEST_DIR/out" "restored data/raw.csv"
expect_eq "$(sha256sum <data/raw.csv | cut -d' ' -f1)" "$raw_sum" "raw.csv back"
expect_eq "$(cat data/imgs/1)" one "imgs/1 back"
[ -x data/imgs/sub/run.sh ] || fail "the executable bit was lost"
expect_exit 0 mlops checkout
expect_contains "$TEST_DIR/err" "every output matches"
# A name YAML would misread reads back from its pointer.
echo colon >"data/y: 1 #x"
expect_exit 0 mlops data add "data/y: 1 #x"
rm "data/y: 1 #x"
expect_exit 0 mlops checkout
expect_eq "$(cat "data/y: 1 #x")" colon "odd name restored"
