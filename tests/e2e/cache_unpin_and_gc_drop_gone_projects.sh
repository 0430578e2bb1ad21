#!/usr/bin/env bash
# Projects sharing a store pin what their pointers and mlops.lock name, and every gc keeps it.
# `mlops cache gc` drops the pins of a project whose directory is gone (named in the dry run,
# removed with --force, its blobs then deleted); `mlops cache unpin DIR` forgets a project's
# pins on request (a moved one: by the path it had, existing or not); a live project's data
# stays whatever the other projects do.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

for d in a b c; do
  mkdir "$d" && git -C "$d" init -q && printf 'schema: 1\n' >"$d/mlops.yaml"
  echo "data of $d" >"$d/data.csv"
  (cd "$d" && expect_exit 0 mlops data add data.csv)
done
blob() { store_blob "$(sha256sum <"$1" | cut -d' ' -f1)"; }
a_blob=$(blob a/data.csv) b_blob=$(blob b/data.csv) c_blob=$(blob c/data.csv)
pins_of() { { grep -lx "project $TEST_DIR/$1" "$MLOPS_HOME"/mlops/pins/* || true; } | wc -l; }
expect_eq "$(pins_of b)" 1 "pin files of b"

rm -rf b
cd a
expect_exit 0 mlops --json cache gc
expect_json "$TEST_DIR/out" '.pins_dropped | join(",")' "$TEST_DIR/b"
expect_json "$TEST_DIR/out" .removed 1
expect_file "$b_blob"
expect_eq "$(pins_of b)" 1 "pin files of b after a dry run"
expect_exit 0 mlops cache gc --force
expect_contains "$TEST_DIR/err" "dropped the pins of $TEST_DIR/b"
expect_no_path "$b_blob"
expect_file "$a_blob"
expect_file "$c_blob"
expect_eq "$(pins_of b)" 0 "pin files of b after --force"

# c still exists: only unpin makes its blobs collectable.
expect_exit 0 mlops --json cache unpin ../c
expect_json "$TEST_DIR/out" '.pins_removed | length' 1
expect_eq "$(pins_of c)" 0 "pin files of c after unpin"
expect_exit 0 mlops cache gc --force
expect_no_path "$c_blob"
expect_file "$a_blob"
expect_exit 0 mlops --json cache unpin ../c
expect_json "$TEST_DIR/out" '.pins_removed | length' 0
# This project unpinned: its own gc pins it again before collecting.
expect_exit 0 mlops cache unpin
expect_exit 0 mlops cache gc --force
expect_file "$a_blob"
