#!/usr/bin/env bash
# The ModelPack config lists each layer's uncompressed digest (modelfs.diffIds). A config
# that disagrees with its layers (a layer's diff id changed, one missing, a gzip layer whose
# content is not what its diff id says) is corruption: verify exits 1 naming the layer,
# import exits 4 and imports nothing. Consistent packages (gzip layers too) pass both.
. "$(dirname "$0")/harness.sh"

# rewrite_config LAYOUT REF JQ-FILTER: applies the filter to REF's config in an OCI layout
# (the store, or an unpacked tarball) and rewrites the manifest and index.json to match.
rewrite_config() {
  local layout=$1 ref=$2 filter=$3 m c config manifest
  m=$(jq -r --arg r "$ref" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $r) | .digest' "$layout/index.json")
  c=$(jq -r .config.digest "$layout/blobs/sha256/${m#sha256:}")
  jq -cS "$filter" "$layout/blobs/sha256/${c#sha256:}" | tr -d '\n' >config.json
  config=sha256:$(sha256sum <config.json | cut -d' ' -f1)
  cp config.json "$layout/blobs/sha256/${config#sha256:}"
  jq -cS --arg d "$config" --argjson s "$(stat -c %s config.json)" '.config.digest = $d | .config.size = $s' \
    "$layout/blobs/sha256/${m#sha256:}" | tr -d '\n' >manifest.json
  manifest=sha256:$(sha256sum <manifest.json | cut -d' ' -f1)
  cp manifest.json "$layout/blobs/sha256/${manifest#sha256:}"
  jq --arg old "$m" --arg d "$manifest" --argjson s "$(stat -c %s manifest.json)" \
    '(.manifests[] | select(.digest == $old)) |= (.digest = $d | .size = $s)' "$layout/index.json" >index.json
  cp index.json "$layout/index.json"
}

make_package_project proj
(cd proj && "$MLOPS" package build --compression gzip >/dev/null 2>&1) || fail "build failed"
expect_exit 0 mlops package verify demo:1.0
expect_exit 0 mlops package export demo:1.0 good.tar

# In the store: the first diff id (the weights) replaced by another digest.
wrong=sha256:$(printf 'not the weights' | sha256sum | cut -d' ' -f1)
rewrite_config "$MLOPS_HOME" demo:1.0 ".modelfs.diffIds[0] = \"$wrong\""
expect_exit 1 mlops package verify demo:1.0
expect_contains "$TEST_DIR/err" "models/model.bin"
expect_contains "$TEST_DIR/err" "diff id"

# In a tarball: one diff id too few, and a gzip layer's diff id that is its compressed digest.
for filter in 'del(.modelfs.diffIds[-1])' '.modelfs.diffIds[1] = "GZIPDIGEST"'; do
  rm -rf layout && mkdir layout && tar -xf good.tar -C layout
  gz=$(jq -r '.layers[] | select(.mediaType | endswith("+gzip")) | .digest' "layout/blobs/sha256/$(jq -r '.manifests[0].digest' layout/index.json | cut -d: -f2)")
  [ -n "$gz" ] || fail "the package has no gzip layer"
  rewrite_config layout demo:1.0 "${filter/GZIPDIGEST/$gz}"
  (cd layout && tar -cf ../bad.tar oci-layout index.json blobs)
  rm -rf other && mkdir other
  expect_exit 4 mlops package import bad.tar --store other
  expect_clean_error
  expect_contains "$TEST_DIR/err" "diff id"
  expect_eq "$(jq '.manifests | length' other/index.json 2>/dev/null || echo 0)" 0 "packages imported from bad.tar"
done

expect_exit 0 mlops package import good.tar --store fresh
expect_exit 0 mlops package verify demo:1.0 --store fresh
