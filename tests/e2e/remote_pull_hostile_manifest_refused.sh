#!/usr/bin/env bash
# A hostile remote gets a bounded, clear refusal and nothing lands: a manifest over 4 MiB
# (a million layers), a layer whose path climbs out with '..', a layer claiming a petabyte, an
# image index instead of a manifest, referrers claiming more than signatures need.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

remote="$TEST_DIR/remote/bad"
mkdir -p "$remote/blobs/sha256"
printf '{"imageLayoutVersion":"1.0.0"}' >"$remote/oci-layout"
cfg='{}'
cfg_digest="sha256:$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)"
printf '%s' "$cfg" >"$remote/blobs/sha256/${cfg_digest#sha256:}"
zero="sha256:$(printf '0%.0s' $(seq 64))"
# put_manifest TAG FILE: FILE's bytes as a blob tagged TAG in the layout.
index='[]'
put_manifest() {
  local d size
  d="sha256:$(sha256sum <"$2" | cut -d' ' -f1)"
  size=$(stat -c %s "$2")
  cp "$2" "$remote/blobs/sha256/${d#sha256:}"
  index=$(jq -c --arg t "$1" --arg d "$d" --argjson s "$size" \
    '. + [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": $t}}]' <<<"$index")
  jq -n --argjson m "$index" '{schemaVersion: 2, manifests: $m}' >"$remote/index.json"
}
manifest() { # LAYERS-JSON
  jq -cn --arg c "$cfg_digest" --argjson l "$1" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: {mediaType: "application/vnd.oci.empty.v1+json", digest: $c, size: 2}, layers: $l}'
}
layer() { # PATH SIZE
  jq -cn --arg d "$zero" --arg p "$1" --argjson s "$2" \
    '{mediaType: "application/vnd.cncf.model.weight.v1.raw", digest: $d, size: $s, annotations: {"org.cncf.model.filepath": $p}}'
}
python3 -c '
import json, sys
l = {"mediaType": "application/vnd.cncf.model.weight.v1.raw", "digest": "sha256:" + "0" * 64, "size": 1}
print(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": sys.argv[1], "size": 2},
                  "layers": [l] * 1000000}))' "$cfg_digest" >huge.json
put_manifest huge huge.json
manifest "[$(layer ../../etc/passwd 1)]" >dotdot.json
put_manifest dotdot dotdot.json
manifest "[$(layer model.bin 1125899906842624)]" >exa.json
put_manifest exa exa.json
jq -n --arg c "$cfg_digest" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: []}' >index-doc.json
put_manifest multi index-doc.json

# A package whose "signature" (a referrer) claims 100 MiB of blobs.
manifest '[]' >plain.json
put_manifest plain plain.json
plain="sha256:$(sha256sum <plain.json | cut -d' ' -f1)"
jq -cn --arg c "$cfg_digest" --arg s "$plain" --argjson l "[$(layer sig 104857600)]" \
  '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: {mediaType: "application/vnd.oci.empty.v1+json", digest: $c, size: 2}, layers: $l,
    subject: {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $s, size: 1}}' >sig.json
sig="sha256:$(sha256sum <sig.json | cut -d' ' -f1)"
cp sig.json "$remote/blobs/sha256/${sig#sha256:}"
index=$(jq -c --arg d "$sig" --arg s "$plain" --argjson n "$(stat -c %s sig.json)" \
  '. + [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $n, annotations: {"ai.mlops.subject": $s}}]' <<<"$index")
jq -n --argjson m "$index" '{schemaVersion: 2, manifests: $m}' >"$remote/index.json"

export MLOPS_HOME="$TEST_DIR/store"
expect_exit 4 mlops pull "file://$remote:plain"
expect_clean_error
expect_contains "$TEST_DIR/err" "not signatures"
expect_exit 4 mlops pull "file://$remote:huge"
expect_clean_error
expect_contains "$TEST_DIR/err" "over the 4194304"
expect_exit 4 mlops pull "file://$remote:dotdot"
expect_clean_error
expect_contains "$TEST_DIR/err" "../../etc/passwd"
expect_exit 4 mlops pull "file://$remote:exa"
expect_clean_error
expect_contains "$TEST_DIR/err" "1 TiB"
expect_exit 4 mlops pull "file://$remote:multi"
expect_clean_error
expect_contains "$TEST_DIR/err" "image index"
[ ! -e "$MLOPS_HOME/index.json" ] || expect_json "$MLOPS_HOME/index.json" '.manifests | length' 0
[ -z "$(find "$MLOPS_HOME" -path '*/blobs/sha256/*' -type f 2>/dev/null)" ] || fail "a blob landed in the store"
