#!/usr/bin/env bash
# The TLS registry (a certificate from a CA made at start) is reached over https with
# --ca-file; without it the certificate is not trusted and the push fails as "rejected"
# (exit 5), never falling back to plain http.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"
use_test_server OCI_TLS

head -c 300000 /dev/urandom >a.bin
repo="tls/r$$"
set +e
probe oci-push "$MLOPS_TEST_OCI_TLS_HOST" "$repo" v1 a.bin >out 2>err
rc=$?
set -e
# 127.0.0.1 without --ca-file would be plain http: the TLS port then answers garbage.
[ "$rc" = 5 ] || { cat err >&2; fail "expected exit 5 without a trusted https, got $rc"; }
probe --ca-file /dev/null oci-push "$MLOPS_TEST_OCI_TLS_HOST" "$repo" v1 a.bin >out 2>err && fail "an empty CA file was accepted"
expect_contains err "remote/rejected"
probe --ca-file "$MLOPS_TEST_OCI_TLS_CA_FILE" oci-push "$MLOPS_TEST_OCI_TLS_HOST" "$repo" v1 a.bin >push.json 2>push.err || { cat push.err >&2; fail "push over TLS failed"; }
probe --ca-file "$MLOPS_TEST_OCI_TLS_CA_FILE" oci-pull "$MLOPS_TEST_OCI_TLS_HOST" "$repo" v1 pulled >pull.json 2>pull.err || { cat pull.err >&2; fail "pull over TLS failed"; }
expect_eq "$(jq -r .digest pull.json)" "$(jq -r .digest push.json)" "digest over TLS"
cmp a.bin "pulled/$(sha256sum <a.bin | cut -d' ' -f1)" || fail "the pulled blob differs"
