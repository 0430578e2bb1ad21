#!/usr/bin/env bash
# model promote/list --remote NAME reach a TLS registry with the CA file only the remote's
# mlops.yaml entry names (docker-registry with TLS on loopback); the same URL given as it is
# fails (exit 5) unless --ca-file is given on the command line, which promote and list take.
. "$(dirname "$0")/../e2e/harness.sh"
use_test_server OCI_TLS

package_project
cd proj
cp "$MLOPS_TEST_OCI_TLS_CA_FILE" ca.pem
url="oci://$MLOPS_TEST_OCI_TLS_HOST/promote$$"
expect_exit 0 mlops remote add tls "$url" --ca-file ca.pem
expect_exit 0 mlops push demo:1.0 tls
expect_exit 5 mlops model promote demo:1.0 --alias prod --remote "$url"
expect_exit 0 mlops --json model promote demo:1.0 --alias prod --remote tls
expect_json "$TEST_DIR/out" .remote.tag "$url/demo:prod"
expect_exit 0 mlops --json model list --remote tls
expect_json "$TEST_DIR/out" '.[0].state' same
expect_exit 5 mlops --json model list --remote "$url"
expect_json "$TEST_DIR/out" '.[0].state' error
expect_exit 0 mlops --json model list --remote "$url" --ca-file ca.pem
expect_json "$TEST_DIR/out" '.[0].state' same
expect_exit 0 mlops --json model promote demo:1.0 --alias staging --remote "$url" --ca-file "$TEST_DIR/proj/ca.pem"
expect_json "$TEST_DIR/out" .remote.tag "$url/demo:staging"
