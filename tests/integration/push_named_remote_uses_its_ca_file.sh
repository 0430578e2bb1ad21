#!/usr/bin/env bash
# A remote added with --ca-file reaches the TLS registry by name (push, pull REMOTE:REF)
# without the flag on the command line; the same URL given as it is has no CA and fails (exit 5).
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server OCI_TLS

package_project
cd "$TEST_DIR/proj"
cp "$MLOPS_TEST_OCI_TLS_CA_FILE" ca.pem
expect_exit 0 mlops remote add tls "oci://$MLOPS_TEST_OCI_TLS_HOST/named$$" --ca-file ca.pem
expect_exit 5 mlops push demo:1.0 "oci://$MLOPS_TEST_OCI_TLS_HOST/named$$"
expect_exit 0 mlops --json push demo:1.0 tls
expect_exit 0 mlops --json pull tls:demo:1.0 --store "$TEST_DIR/other"
MLOPS_HOME="$TEST_DIR/other" expect_exit 0 mlops package verify named$$/demo:1.0
