#!/usr/bin/env bash
# A redirect to another origin (as registries send blob downloads to their storage) is
# followed without the Authorization header, which still reaches the first origin; an https
# request is never redirected to plain http. Servers: two small Python ones on loopback.
. "$(dirname "$0")/../e2e/harness.sh"
# shellcheck source=lib/remote.sh
. "$MLOPS_SOURCE_DIR/tests/integration/lib/remote.sh"

cat >server.py <<'PY'
import http.server, sys, threading
log = open(sys.argv[1], "a")
class Storage(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        log.write("storage %s auth=%s\n" % (self.path, self.headers.get("Authorization")))
        log.flush()
        body = b"blob-bytes"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
storage = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Storage)
class Registry(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        log.write("registry %s auth=%s\n" % (self.path, self.headers.get("Authorization")))
        log.flush()
        self.send_response(307)
        target = "http://localhost:%d/storage%s" % (storage.server_address[1], self.path)
        if self.path == "/same":
            target = "/elsewhere"
        if self.path == "/elsewhere":
            target = "http://localhost:%d/storage/x" % storage.server_address[1]
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a): pass
registry = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Registry)
threading.Thread(target=storage.serve_forever, daemon=True).start()
open(sys.argv[2] + ".tmp", "w").write(str(registry.server_address[1]))
import os; os.replace(sys.argv[2] + ".tmp", sys.argv[2])
registry.serve_forever()
PY
/usr/bin/python3 server.py "$TEST_DIR/requests.log" "$TEST_DIR/port" >server.log 2>&1 &
KILL_ON_EXIT+=("$!")
for _ in $(seq 1 100); do [ -s port ] && break; sleep 0.05; done
[ -s port ] || fail "the test server did not start: $(cat server.log)"
url="http://127.0.0.1:$(cat port)"
secret="Authorization: Bearer top-secret-token"

probe get "$url/v2/a/blobs/sha256:1" --secret-header "$secret" >get.json 2>get.err || { cat get.err >&2; fail "GET through a redirect failed"; }
expect_eq "$(jq -r .status get.json)" 200 "status after the redirect"
grep -q '^registry /v2/a/blobs/sha256:1 auth=Bearer top-secret-token$' requests.log || { cat requests.log >&2; fail "the registry did not get the credentials"; }
grep -q '^storage /storage/v2/a/blobs/sha256:1 auth=None$' requests.log || { cat requests.log >&2; fail "the credentials went to another host on redirect"; }

# A relative redirect keeps the origin (and the credentials); a further hop elsewhere loses them.
: >requests.log
probe get "$url/same" --secret-header "$secret" >get.json 2>get.err || { cat get.err >&2; fail "GET through two redirects failed"; }
grep -q '^registry /elsewhere auth=Bearer top-secret-token$' requests.log || { cat requests.log >&2; fail "a same-origin redirect lost the credentials"; }
grep -q '^storage /storage/x auth=None$' requests.log || { cat requests.log >&2; fail "the credentials went to another host on the second redirect"; }
grep -q 'top-secret-token' get.err && fail "the token reached stderr"
probe -v get "$url/v2/a/blobs/sha256:1" --secret-header "$secret" >get.json 2>get.err
expect_contains get.err "without credentials"
if grep -q 'top-secret-token' get.err; then fail "the token reached the debug log"; fi
