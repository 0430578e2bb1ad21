#!/usr/bin/env bash
# `mlops model promote --remote` against a real registry (docker-registry on loopback): refused until the package is pushed (exit 3, the alias unmoved), then the repository gets the tag NAME, which skopeo (an independent client) reads as the package's manifest; the tag moves with the next promotion; `model list --remote` reads it back; a version tag of the same name is left alone (exit 6).
# shellcheck source-path=SCRIPTDIR source=../e2e/harness.sh
. "$(dirname "$0")/../e2e/harness.sh"
use_test_server OCI
command -v skopeo >/dev/null || skip "skopeo is not installed"

make_package_project proj
build_package proj
cd proj
expect_exit 0 mlops key generate "$TEST_DIR/k.key"
expect_exit 0 mlops package sign demo:1.0 --key "$TEST_DIR/k.key"
digest=$(package_digest)
remote="oci://$MLOPS_TEST_OCI_HOST/promote$$"

expect_exit 3 mlops model promote demo:1.0 --alias prod --remote "$remote"
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops push demo:1.0"
git rev-parse -q --verify refs/mlops/aliases/prod >/dev/null && fail "the alias moved although the remote part failed"

expect_exit 0 mlops push demo:1.0 "$remote"
expect_exit 0 mlops --json model promote demo:1.0 --alias prod --remote "$remote"
expect_json "$TEST_DIR/out" .remote.tag "$remote/demo:prod"
skopeo inspect --raw --tls-verify=false "docker://$MLOPS_TEST_OCI_HOST/promote$$/demo:prod" >raw.json
expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest" "the manifest skopeo reads at demo:prod"

expect_exit 0 mlops --json model list --remote "$remote"
expect_json "$TEST_DIR/out" '.[0].state' same

echo more >>README.md && git add README.md && git commit -qm more
expect_exit 0 mlops package build -t demo:2.0
expect_exit 0 mlops push demo:2.0 "$remote"
expect_exit 0 mlops --json model promote demo:2.0 --alias prod --remote "$remote"
expect_json "$TEST_DIR/out" .remote.previous "$digest"
digest2=$(jq -r .package.digest "$TEST_DIR/out")
skopeo inspect --raw --tls-verify=false "docker://$MLOPS_TEST_OCI_HOST/promote$$/demo:prod" >raw.json
expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest2" "demo:prod after the second promotion"
expect_exit 0 mlops --json pull "$remote/demo:prod" --store "$TEST_DIR/second"
expect_json "$TEST_DIR/out" .digest "$digest2"

expect_exit 6 mlops model promote demo:2.0 --alias 1.0 --remote "$remote"
expect_clean_error
skopeo inspect --raw --tls-verify=false "docker://$MLOPS_TEST_OCI_HOST/promote$$/demo:1.0" >raw.json
expect_eq "sha256:$(sha256sum <raw.json | cut -d' ' -f1)" "$digest" "the version tag 1.0"
