#!/usr/bin/env bash
# `mlops package inspect` of an imported package whose manifest and config hold wrong types (a number for artifactType or createdAt) or escape sequences (in annotations, a layer's path or media type) prints the package (exit 0), with no internal error and no raw control character on stdout.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# craft OUT.tar NAME MANIFEST-EXTRA CONFIG-EXTRA LAYER-EXTRA (JSON objects merged in)
craft() {
  "$PYTHON" - "$@" <<'PY'
import hashlib, io, json, sys, tarfile
out, name, mextra, cextra, lextra = sys.argv[1], sys.argv[2], *map(json.loads, sys.argv[3:6])
blobs = {}
def add(b):
    d = hashlib.sha256(b).hexdigest(); blobs[d] = b; return "sha256:" + d
l = add(b"x")
layer = {"mediaType": "application/vnd.cncf.model.doc.v1.raw", "digest": l, "size": 1, "annotations": {"org.cncf.model.filepath": "a"}}
layer.update(lextra)
cfg = {"descriptor": {"name": name}, "modelfs": {"type": "layers", "diffIds": [l]}}
cfg.update(cextra)
cfg = json.dumps(cfg).encode()
c = add(cfg)
man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
       "config": {"mediaType": "application/vnd.cncf.model.config.v1+json", "digest": c, "size": len(cfg)}, "layers": [layer]}
man.update(mextra)
man = json.dumps(man).encode()
m = add(man)
idx = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": m, "size": len(man), "annotations": {"org.opencontainers.image.ref.name": name + ":1"}}]}).encode()
with tarfile.open(out, "w") as t:
    def f(n, b):
        ti = tarfile.TarInfo(n); ti.size = len(b); t.addfile(ti, io.BytesIO(b))
    f("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'); f("index.json", idx)
    for d, b in blobs.items(): f("blobs/sha256/" + d, b)
PY
}

craft types.tar types '{"artifactType": 5, "annotations": {"org.opencontainers.image.description": 7}}' \
  '{"descriptor": {"name": "types", "createdAt": 5}}' '{"size": 1}'
craft escapes.tar escapes '{"annotations": {"org.opencontainers.image.description": "\u001b]0;pwned\u0007", "k\u001b[31m": "\u009b2J"}}' \
  '{"descriptor": {"name": "escapes", "createdAt": "\u001b[2J"}}' \
  '{"mediaType": "application/vnd.cncf.model.doc.v1.raw\u001b[2J", "annotations": {"org.cncf.model.filepath": "a\u001b[31m"}}'

for p in types escapes; do
  expect_exit 0 mlops package import "$p.tar"
  expect_exit 0 mlops package inspect "$p:1"
  if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$TEST_DIR/out"; then
    cat -v "$TEST_DIR/out" >&2
    fail "a control character reached stdout in 'package inspect $p:1'"
  fi
  expect_exit 0 mlops package list
  if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$TEST_DIR/out"; then fail "a control character in 'package list'"; fi
done
expect_exit 0 mlops package inspect escapes:1
expect_contains "$TEST_DIR/out" 'a\x1b[31m'
