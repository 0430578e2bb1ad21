#!/usr/bin/env bash
# The documented way to publish a package (README.md, `mlops package --help` and export's
# help): skopeo copies it from the store, and from an exported tarball, to a registry
# (docker-registry on loopback), which then serves the same manifest.
. "$(dirname "$0")/../e2e/harness.sh"
use_test_server OCI
command -v skopeo >/dev/null || skip "skopeo is not installed"

make_package_project proj
build_package proj
expect_exit 0 mlops key generate signing.key
expect_exit 0 mlops package sign demo:1.0 --key signing.key
expect_exit 0 mlops package tag demo:1.0 churn:v2
digest=$(package_digest)
host=$MLOPS_TEST_OCI_HOST

skopeo copy -q --dest-tls-verify=false "oci:$MLOPS_HOME:churn:v2" "docker://$host/churn:v2"
skopeo inspect --raw --tls-verify=false "docker://$host/churn:v2" >raw.json
expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest" "the manifest the registry serves"

expect_exit 0 mlops package export churn:v2 churn-v2.tar
skopeo copy -q --dest-tls-verify=false oci-archive:churn-v2.tar:churn:v2 "docker://$host/churn:v2-from-tar"
skopeo inspect --raw --tls-verify=false "docker://$host/churn:v2-from-tar" >raw2.json
cmp raw.json raw2.json || fail "the tarball's manifest differs from the store's"
