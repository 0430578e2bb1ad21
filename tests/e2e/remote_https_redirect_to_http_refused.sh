#!/usr/bin/env bash
# An https registry (a stand-in on loopback with a certificate made here, trusted through
# --ca-file) that redirects the manifest to plain http: the pull refuses to follow (exit 5,
# one line naming the downgrade) and the http server never sees a request.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"
command -v openssl >/dev/null || skip "openssl is not installed"

openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 >openssl.log 2>&1 || fail "openssl: $(cat openssl.log)"

# serve PORTFILE [tls]: every request logged to PORTFILE.log; with tls, answers 307 to http.
/usr/bin/python3 - <<'PY' >server.log 2>&1 &
import http.server, os, ssl, threading
def start(name, tls, target=None):
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            with open(name + ".log", "a") as f:
                f.write(self.command + " " + self.path + "\n")
            if tls:
                self.send_response(307)
                self.send_header("Location", "http://127.0.0.1:%d%s" % (target(), self.path))
            else:
                self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
        do_HEAD = do_GET
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain("cert.pem", "key.pem")
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    open(name + ".tmp", "w").write(str(server.server_address[1]))
    os.rename(name + ".tmp", name)
    return server
plain = start("http.port", False)
start("https.port", True, lambda: plain.server_address[1])
threading.Event().wait()
PY
KILL_ON_EXIT+=("$!")
for _ in $(seq 1 100); do [ -s https.port ] && [ -s http.port ] && break; sleep 0.05; done
[ -s https.port ] || fail "the stand-in servers did not start: $(cat server.log)"

expect_exit 5 mlops pull "oci://127.0.0.1:$(cat https.port)/team/demo:1.0" --ca-file cert.pem --store "$TEST_DIR/store"
expect_clean_error
expect_contains "$TEST_DIR/err" "refusing a redirect from https"
[ -s https.port.log ] || fail "the https server saw no request"
[ ! -s http.port.log ] || fail "the redirect was followed to http: $(cat http.port.log)"
