#!/usr/bin/env bash
# `mlops package import` stores only the blobs its packages reference: a small .tar.gz that
# also holds a big unreferenced blob (correctly named, or named after other bytes) stores
# neither, in either entry order (blobs before or after index.json); a referenced blob whose
# tar entry is longer than its descriptor is refused before a byte of it is written.
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops package export demo:1.0 demo.tar
weights=$(jq -r '.layers[0].digest' "$(store_blob "$(package_digest)")")
package_blobs=$(find "$MLOPS_HOME/blobs/sha256" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)

# junk-first.tar.gz: 64 MiB of zeros under its own digest and under another blob's name,
# before everything else (so before index.json); junk-last.tar.gz: the same after it.
"$PYTHON" - demo.tar <<'PY'
import gzip, hashlib, io, sys, tarfile
src = sys.argv[1]
with tarfile.open(src) as t:
    members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
zeros = bytes(64 << 20)
right = hashlib.sha256(zeros).hexdigest()
junk = []
for name in (right, "0" * 64):
    info = tarfile.TarInfo("blobs/sha256/" + name)
    info.size = len(zeros)
    junk.append((info, zeros))
for name, items in (("junk-first", junk + members), ("junk-last", members + junk)):
    with gzip.open(name + ".tar.gz", "wb") as gz, tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as out:
        for m, data in items:
            out.addfile(m, io.BytesIO(data) if data is not None else None)
PY
# long-weights.tar: a referenced blob (the weights) whose entry is one byte longer than its descriptor.
"$PYTHON" - demo.tar "${weights#sha256:}" <<'PY'
import io, sys, tarfile
src, weights = sys.argv[1:]
with tarfile.open(src) as t, tarfile.open("long-weights.tar", "w", format=tarfile.PAX_FORMAT) as out:
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isfile() else None
        if m.name == "blobs/sha256/" + weights:
            data += b"X"
            m.size = len(data)
        out.addfile(m, io.BytesIO(data) if data is not None else None)
PY
[ "$(stat -c %s junk-first.tar.gz)" -lt $((4 << 20)) ] || fail "the test tarball should be small"

for t in junk-first junk-last; do
  export MLOPS_HOME="$TEST_DIR/store-$t"
  expect_exit 0 mlops package import "$t.tar.gz"
  expect_eq "$(cat "$TEST_DIR/out")" "demo:1.0" "imported from $t"
  expect_eq "$(find "$MLOPS_HOME/blobs/sha256" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort)" "$package_blobs" "blobs stored from $t"
  [ "$(du -sm "$MLOPS_HOME" | cut -f1)" -lt 16 ] || fail "$t: the store holds $(du -sh "$MLOPS_HOME")"
  expect_eq "$(ls -A "$MLOPS_HOME/ingest")" "" "ingest/ after importing $t"
  expect_exit 0 mlops package verify demo:1.0
done

export MLOPS_HOME="$TEST_DIR/store-long"
expect_exit 4 mlops package import long-weights.tar
expect_clean_error
expect_contains "$TEST_DIR/err" "2000001 bytes where the descriptor of layer 1"
expect_no_path "$MLOPS_HOME/blobs/sha256/${weights#sha256:}"
expect_eq "$(ls -A "$MLOPS_HOME/ingest")" "" "ingest/ after a refused import"
