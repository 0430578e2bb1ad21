#!/usr/bin/env bash
# `mlops package import` refuses a tarball with a member escaping upwards ('../evil') or a blob whose content does not match its name: exit 4 with a one-line error, the store's index unchanged, nothing written outside.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

package_project
expect_exit 0 mlops package export demo:1.0 demo.tar
layer=$(tar -xOf demo.tar index.json | jq -r .manifests[0].digest)
layer=$(tar -xOf demo.tar "blobs/sha256/${layer#sha256:}" | jq -r .layers[0].digest)

# evil.tar: the export plus a member "../evil"; forged.tar: the layer's blob with other bytes.
mkdir -p work/deeper
"$PYTHON" - demo.tar work/evil.tar work/forged.tar "${layer#sha256:}" <<'EOF'
import io, sys, tarfile
src, evil, forged, layer = sys.argv[1:]
members = []
with tarfile.open(src) as t:
    for m in t.getmembers():
        members.append((m, t.extractfile(m).read() if m.isfile() else None))
def write(path, items):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as out:
        for m, data in items:
            out.addfile(m, io.BytesIO(data) if data is not None else None)
bad = tarfile.TarInfo("../evil")
bad.size = 5
write(evil, members + [(bad, b"evil\n")])
swapped = []
for m, data in members:
    if m.name == "blobs/sha256/" + layer:
        data = b"X" + data[1:]
    swapped.append((m, data))
write(forged, swapped)
EOF

export MLOPS_HOME="$TEST_DIR/second-store"
expect_exit 0 mlops package gc   # creates the empty store
index_before=$(cat "$MLOPS_HOME/index.json")
for t in evil forged; do
  (cd work/deeper && expect_exit 4 mlops package import "../$t.tar")
  expect_clean_error
  expect_eq "$(cat "$MLOPS_HOME/index.json")" "$index_before" "the store index after importing $t.tar"
done
expect_no_path work/evil
expect_no_path evil
expect_exit 3 mlops package inspect demo:1.0
