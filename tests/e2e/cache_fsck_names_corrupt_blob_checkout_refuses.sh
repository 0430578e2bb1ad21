#!/usr/bin/env bash
# A blob whose bytes changed in the store (a disk error, an edit through a hard link made
# writable): `mlops cache fsck` names it and exits 1; checkout refuses to put it in place.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p p/data && cd p && git init -q && printf 'schema: 1\n' >mlops.yaml
printf 'payload\n' >data/raw.csv
expect_exit 0 mlops data add data/raw.csv
sum=$(sha256sum <data/raw.csv | cut -d' ' -f1)
expect_exit 0 mlops cache fsck
expect_contains "$TEST_DIR/err" "none corrupt"
rm data/raw.csv
blob=$(store_blob "$sum")
chmod u+w "$blob" && printf 'PAYLOAD\n' >"$blob"
expect_exit 1 mlops cache fsck
expect_contains "$TEST_DIR/out" "corrupt sha256:$sum"
expect_exit 1 mlops --json cache fsck
expect_json "$TEST_DIR/out" '.corrupt[0]' "sha256:$sum"
expect_exit 4 mlops checkout
expect_clean_error
expect_contains "$TEST_DIR/err" "is corrupt"
expect_no_path data/raw.csv
