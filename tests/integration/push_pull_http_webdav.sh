#!/usr/bin/env bash
# mlops push / pull against nginx's WebDAV module (http://, Basic auth from ~/.netrc): the
# package lands as an OCI image layout under URL/REPO; a re-push sends no blob byte (HEAD
# first); a pull into a second store verifies; a blob altered on the server is refused by its
# digest and nothing of it lands; a read-only static server (GET only) serves a pull; a wrong
# password is an auth error (exit 5, one line) and the password shows in no output or log.
. "$(dirname "$0")/../e2e/harness.sh"
use_test_server WEBDAV

url=$MLOPS_TEST_WEBDAV_URL
host=${url#http://}
make_package_project proj
build_package proj
expect_exit 0 mlops key generate signing.key
expect_exit 0 mlops package sign demo:1.0 --key signing.key
digest=$(package_digest)
team="team$$"
printf 'machine %s login %s password %s\n' "${host%:*}" "$MLOPS_TEST_WEBDAV_USER" "$MLOPS_TEST_WEBDAV_PASSWORD" >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"

expect_exit 0 mlops --json -vv push demo:1.0 "$url/$team"
cp "$TEST_DIR/err" push.log
expect_json "$TEST_DIR/out" .digest "$digest"
expect_json "$TEST_DIR/out" .url "http://$host/$team/demo:1.0"
[ "$(jq -r .blobs_sent "$TEST_DIR/out")" -gt 0 ] || fail "the push sent no blob"
layout="$MLOPS_TEST_WEBDAV_ROOT/$team/demo"
expect_file "$layout/oci-layout"
expect_file "$layout/blobs/sha256/${digest#sha256:}"
expect_eq "$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "1.0") | .digest' "$layout/index.json")" \
  "$digest" "the tag in the layout's index.json"
if find "$layout" -name '.upload-*' | grep -q .; then fail "temporary upload files left: $(find "$layout" -name '.upload-*')"; fi

expect_exit 0 mlops --json push demo:1.0 "$url/$team"
expect_json "$TEST_DIR/out" .bytes_sent 0
expect_json "$TEST_DIR/out" .blobs_sent 0

expect_exit 0 mlops --json -vv pull "$url/$team/demo:1.0" --store "$TEST_DIR/second"
cp "$TEST_DIR/err" pull.log
expect_json "$TEST_DIR/out" .digest "$digest"
[ "$(jq -r .signatures "$TEST_DIR/out")" -ge 1 ] || fail "the signature did not come with the pull"
MLOPS_HOME="$TEST_DIR/second" expect_exit 0 mlops package verify "$team/demo:1.0" --key signing.key.pub

# A read-only mirror of the same directory: GET and HEAD only, no credentials asked.
port_file=$TEST_DIR/static.port
/usr/bin/python3 - "$MLOPS_TEST_WEBDAV_ROOT" "$port_file" >static.log 2>&1 <<'PY' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
open(sys.argv[2], "w").write(str(server.server_address[1]))
server.serve_forever()
PY
KILL_ON_EXIT+=("$!")
for _ in $(seq 1 100); do [ -s "$port_file" ] && break; sleep 0.05; done
[ -s "$port_file" ] || fail "the static server did not start: $(cat static.log)"
expect_exit 0 mlops --json pull "http://127.0.0.1:$(cat "$port_file")/$team/demo:1.0" --store "$TEST_DIR/mirror"
expect_json "$TEST_DIR/out" .digest "$digest"
MLOPS_HOME="$TEST_DIR/mirror" expect_exit 0 mlops package verify "$team/demo:1.0" --key signing.key.pub

# A blob altered on the server (same size): refused, named, and not in the store.
layer=$(jq -r '.layers | max_by(.size) | .digest' "$layout/blobs/sha256/${digest#sha256:}")
flip_byte "$layout/blobs/sha256/${layer#sha256:}" 10
expect_exit 4 mlops pull "$url/$team/demo:1.0" --store "$TEST_DIR/third"
expect_clean_error
expect_contains "$TEST_DIR/err" "${layer:0:19}"
expect_no_path "$TEST_DIR/third/blobs/sha256/${layer#sha256:}"
if [ -f "$TEST_DIR/third/index.json" ]; then expect_not_contains "$TEST_DIR/third/index.json" "$digest"; fi

# A wrong password: exit 5, one line, nothing of the password anywhere.
printf 'machine %s login %s password %s\n' "${host%:*}" "$MLOPS_TEST_WEBDAV_USER" "wrong-$MLOPS_TEST_WEBDAV_PASSWORD" >"$HOME/.netrc"
expect_exit 5 mlops -vv push demo:1.0 "$url/other$$"
cp "$TEST_DIR/err" auth.log
expect_exit 5 mlops push demo:1.0 "$url/other$$"
expect_eq "$(grep -cv '^hint:' "$TEST_DIR/err")" 1 "lines of the auth error"
expect_contains "$TEST_DIR/err" "mlops: error:"
basic=$(printf '%s:%s' "$MLOPS_TEST_WEBDAV_USER" "$MLOPS_TEST_WEBDAV_PASSWORD" | base64 -w0)
for f in push.log pull.log auth.log "$TEST_DIR/out" "$TEST_DIR/err"; do
  if grep -qF -e "$MLOPS_TEST_WEBDAV_PASSWORD" -e "$basic" "$f"; then fail "the password reached $f"; fi
done
if grep -rqF -e "$MLOPS_TEST_WEBDAV_PASSWORD" -e "$basic" "$MLOPS_HOME" "$TEST_DIR/second"; then fail "the password reached a store"; fi
