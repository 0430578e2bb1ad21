#!/usr/bin/python3
"""A token issuer for docker-registry's `auth: token` (the Docker/OCI Bearer token flow), for
the integration tests only. Standard library only; RS256 signatures come from the openssl CLI.

GET /token?service=S&scope=repository:NAME:pull,push[&scope=...] with Basic USER:PASSWORD
answers {"token", "access_token", "expires_in", "issued_at"}: a JWT signed with KEY whose
header carries the certificate CERT (x5c), which the registry trusts through its
rootcertbundle. Wrong or missing credentials: 401. Every request is appended to LOG (method,
scope, whether credentials came) so a test can count token fetches; never the password.

Usage: token_issuer.py [--port N] --port-file F --key KEY --cert CERT --issuer I --user U --password P
                       [--expires SECONDS] [--log FILE]
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der(path):
    pem = open(path).read()
    body = pem.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(body.split()))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--key", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--expires", type=int, default=300)
    p.add_argument("--log", default=os.devnull)
    args = p.parse_args()
    x5c = base64.b64encode(cert_der(args.cert)).decode()

    def sign(claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.key], input=signing_input,
                             stdout=subprocess.PIPE, check=True).stdout
        return signing_input.decode() + "." + b64url(sig)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            if url.path != "/token":
                self.send_error(404)
                return
            q = urllib.parse.parse_qs(url.query)
            auth = self.headers.get("Authorization", "")
            ok = False
            if auth.startswith("Basic "):
                try:
                    user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
                    ok = user == args.user and pw == args.password
                except Exception:
                    ok = False
            with open(args.log, "a") as log:
                log.write("GET scope=%s credentials=%s ok=%s\n" % (",".join(q.get("scope", [])), bool(auth), ok))
            if not ok:
                body = b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}'
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            access = []
            for scope in q.get("scope", []):
                for one in scope.split(" "):
                    parts = one.split(":")
                    if len(parts) >= 3 and parts[0] == "repository":
                        access.append({"type": "repository", "name": ":".join(parts[1:-1]),
                                       "actions": parts[-1].split(",")})
            now = int(time.time())
            claims = {"iss": args.issuer, "sub": args.user, "aud": q.get("service", [""])[0],
                      "exp": now + args.expires, "nbf": now - 30, "iat": now, "jti": str(uuid.uuid4()),
                      "access": access}
            token = sign(claims)
            body = json.dumps({"token": token, "access_token": token, "expires_in": args.expires,
                               "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
