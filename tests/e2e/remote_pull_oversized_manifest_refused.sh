#!/usr/bin/env bash
# A registry that serves a manifest over 4 MiB (the OCI distribution spec's limit; a real
# docker-registry 2.8 neither stores nor serves one, so a hostile stand-in on loopback does):
# the pull is refused in one line (exit 4) whether the answer announces its size or not,
# reading no more than the limit, and nothing lands in the store.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

/usr/bin/python3 - "$TEST_DIR/port" <<'PY' >server.log 2>&1 &
import http.server, os, sys
BODY = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","annotations":{"pad":"' + b"x" * (5 << 20) + b'"}}'
class Registry(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_GET(self):
        if not self.path.endswith("/manifests/1.0"):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
        if self.path.startswith("/v2/sized/"):
            self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()  # unsized: the body runs until the connection closes
        try:
            self.wfile.write(BODY)
        except OSError:
            pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Registry)
open(sys.argv[1] + ".tmp", "w").write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
PY
KILL_ON_EXIT+=("$!")
for _ in $(seq 1 100); do [ -s port ] && break; sleep 0.05; done
[ -s port ] || fail "the stand-in registry did not start: $(cat server.log)"
port=$(cat port)

for repo in sized unsized; do
  expect_exit 4 mlops pull "oci://127.0.0.1:$port/$repo/demo:1.0" --store "$TEST_DIR/store"
  expect_clean_error
  expect_contains "$TEST_DIR/err" "over 4194304 bytes"
  if [ -f "$TEST_DIR/store/index.json" ]; then expect_eq "$(jq '.manifests | length' "$TEST_DIR/store/index.json")" 0 "packages in the store"; fi
  [ -z "$(find "$TEST_DIR/store/blobs" -type f 2>/dev/null)" ] || fail "a blob landed in the store"
done
