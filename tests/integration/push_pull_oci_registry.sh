#!/usr/bin/env bash
# mlops push / pull against a real registry (docker-registry on loopback): a signed package
# goes to oci://HOST/team, skopeo (an independent client) reads the same manifest and copies
# it out, a re-push sends no blob byte, a pull into a second store verifies with the key, and
# the signature came along (the registry has no referrers API: the sha256-<hex> tag scheme);
# the pulled package is named by its repository path, as on the registry.
. "$(dirname "$0")/../e2e/harness.sh"
use_test_server OCI
command -v skopeo >/dev/null || skip "skopeo is not installed"

make_package_project proj
build_package proj
expect_exit 0 mlops key generate signing.key
expect_exit 0 mlops package sign demo:1.0 --key signing.key
digest=$(package_digest)
host=$MLOPS_TEST_OCI_HOST
repo="team$$"

expect_exit 0 mlops --json push demo:1.0 "oci://$host/$repo"
expect_json "$TEST_DIR/out" .digest "$digest"
expect_json "$TEST_DIR/out" .url "oci://$host/$repo/demo:1.0"
[ "$(jq -r .blobs_sent "$TEST_DIR/out")" -gt 0 ] || fail "the push sent no blob"

skopeo inspect --raw --tls-verify=false "docker://$host/$repo/demo:1.0" >raw.json
expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest" "the manifest skopeo reads"
skopeo copy -q --src-tls-verify=false "docker://$host/$repo/demo:1.0" "oci:$TEST_DIR/copied:demo" ||
  fail "skopeo could not copy the pushed package"

expect_exit 0 mlops --json push demo:1.0 "oci://$host/$repo"
expect_json "$TEST_DIR/out" .bytes_sent 0
expect_json "$TEST_DIR/out" .blobs_sent 0

expect_exit 0 mlops --json pull "oci://$host/$repo/demo:1.0" --store "$TEST_DIR/second"
expect_json "$TEST_DIR/out" .digest "$digest"
[ "$(jq -r .signatures "$TEST_DIR/out")" -ge 1 ] || fail "the signature did not come with the pull"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "$repo/demo:1.0" --key signing.key.pub
