#!/usr/bin/env bash
# An error or warning never writes a raw control character to the terminal, whatever the name it quotes: a package reference typed (or scripted) with an escape sequence, or one that an imported archive's index.json carries, is shown escaped.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# No byte below 0x20 but the newlines, no DEL, no C1 control (UTF-8 c2 80..9f) on stderr.
expect_no_controls() {
  if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]' "$TEST_DIR/err"; then
    cat -v "$TEST_DIR/err" >&2
    fail "a control character reached stderr: $*"
  fi
}

esc=$'\e]0;pwned\a\e[2J'
expect_exit 3 mlops package inspect "demo${esc}"
expect_no_controls "package inspect"
expect_exit 3 mlops package inspect "demo${esc}:1"
expect_no_controls "package inspect NAME:TAG"
expect_exit 3 mlops package tag "x${esc}:1" "bad${esc}:1"
expect_no_controls "package tag"
expect_exit 3 mlops package unpack "bad${esc}" out --filter "$(printf 'a\302\233b')"
expect_no_controls "package unpack"

# An imported archive whose index.json names the package with an escape sequence.
"$PYTHON" - evil.tar <<'PY'
import hashlib, io, json, sys, tarfile
blobs = {}
def add(b):
    d = hashlib.sha256(b).hexdigest(); blobs[d] = b; return "sha256:" + d
layer = b"x"
l = add(layer)
cfg = json.dumps({"descriptor": {"name": "evil"}, "modelfs": {"type": "layers", "diffIds": [l]}}).encode()
c = add(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {"mediaType": "application/vnd.cncf.model.config.v1+json", "digest": c, "size": len(cfg)},
  "layers": [{"mediaType": "application/vnd.cncf.model.doc.v1.raw", "digest": l, "size": 1,
              "annotations": {"org.cncf.model.filepath": "a"}}]}).encode()
m = add(man)
idx = json.dumps({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
  "digest": m, "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "evil\x1b]0;pwned\x07\x1b[2J\u009b1m:1"}}]}).encode()
with tarfile.open(sys.argv[1], "w") as t:
    def f(name, b):
        ti = tarfile.TarInfo(name); ti.size = len(b); t.addfile(ti, io.BytesIO(b))
    f("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'); f("index.json", idx)
    for d, b in blobs.items(): f("blobs/sha256/" + d, b)
PY
expect_exit 4 mlops package import evil.tar
expect_clean_error
expect_no_controls "package import"
