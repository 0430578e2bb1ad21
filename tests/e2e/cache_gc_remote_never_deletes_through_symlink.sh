#!/usr/bin/env bash
# `mlops cache gc --remote` deletes blobs of a file:// remote that someone else may have
# written: a blobs/sha256 there that is a symbolic link to another directory must not have gc
# delete that directory's files. Refused (exit 4), nothing deleted.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
mkdir data && echo v1 >data/big.bin
expect_exit 0 mlops data add data/big.bin
expect_exit 0 mlops cache push "file://$TEST_DIR/remote"
blobs=$TEST_DIR/remote/mlops-cache/blobs/sha256
[[ -d $blobs ]] || fail "no blob directory at $blobs after cache push"
# The victim: a directory of files named like blobs nothing refers to.
mkdir "$TEST_DIR/victim"
victim=$TEST_DIR/victim/$(printf 'precious\n' | sha256sum | cut -d' ' -f1)
printf 'precious\n' >"$victim"
cp "$blobs"/* "$TEST_DIR/victim/"
rm -rf "$blobs" && ln -s "$TEST_DIR/victim" "$blobs"
expect_exit 4 mlops cache gc --remote "file://$TEST_DIR/remote" --force
expect_clean_error
expect_contains "$TEST_DIR/err" "symbolic link"
expect_file "$victim"
expect_eq "$(cat "$victim")" precious "the file behind the link is untouched"
