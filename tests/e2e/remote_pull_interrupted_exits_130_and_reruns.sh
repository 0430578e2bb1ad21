#!/usr/bin/env bash
# Ctrl-C (SIGINT) during `mlops pull` from an http:// remote (a local server that sends the
# first 1 MB of the weights blob, then holds the connection): exit 130 in one line, no
# package in the store and every blob there whole (the partial download is kept aside in
# ingest/), and the same pull from a working server then completes from the partial blob and
# verifies.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

make_package_project proj
head -c 6000000 /dev/urandom >proj/models/model.bin
git -C proj commit -qam "bigger weights"
sleep 0.2
build_package proj
remote="$TEST_DIR/remote"
expect_exit 0 mlops push demo:1.0 "file://$remote"

# serve DIR PORTFILE [slow]: GET/HEAD of DIR on loopback; "slow": a body over 1 MB stops after
# its first 1 MB and the connection is held.
serve() {
  /usr/bin/python3 - "$@" <<'PY' &
import functools, http.server, os, sys, time
class Slow(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, source, outputfile):
        size = os.fstat(source.fileno()).st_size
        if size <= 1000000:
            return super().copyfile(source, outputfile)
        outputfile.write(source.read(1000000))
        outputfile.flush()
        open("sent.marker", "w").close()
        time.sleep(120)
handler = Slow if len(sys.argv) > 3 else http.server.SimpleHTTPRequestHandler
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=sys.argv[1]))
open(sys.argv[2] + ".tmp", "w").write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
PY
  KILL_ON_EXIT+=("$!")
  for _ in $(seq 1 100); do [ -s "$2" ] && break; sleep 0.05; done
  [ -s "$2" ] || fail "the test server did not start"
}
serve "$remote" slow.port slow
store="$TEST_DIR/second"
"$MLOPS" pull --jobs 1 "http://127.0.0.1:$(cat slow.port)/demo:1.0" --store "$store" >out1 2>err1 &
pid=$!
KILL_ON_EXIT+=("$pid")
# The first 1 MB has reached mlops once the server has sent it (its marker file) and no byte
# waits in either end of the connection (ss): the store's writer gathers small pieces in
# memory, so the partial file's size says too little until the Ctrl-C.
port=$(cat slow.port)
got=""
for _ in $(seq 1 400); do
  if [ -e sent.marker ] && ! ss -tnH "( sport = :$port or dport = :$port )" | awk '$2 != 0 || $3 != 0 { busy = 1 } END { exit !busy }'; then
    got=1
    break
  fi
  sleep 0.05
done
[ -n "$got" ] || fail "the pull did not get the first 1 MB"
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
expect_eq "$rc" 130 "exit status of the interrupted pull"
expect_eq "$(grep -cv '^hint:' err1)" 1 "lines on stderr"
if [ -f "$store/index.json" ]; then expect_eq "$(jq '.manifests | length' "$store/index.json")" 0 "packages in the store"; fi
for blob in "$store"/blobs/sha256/*; do
  [ -f "$blob" ] || continue
  expect_eq "$(sha256sum <"$blob" | cut -d' ' -f1)" "$(basename "$blob")" "a blob in the store"
done

serve "$remote" fast.port
expect_exit 0 mlops --json pull --jobs 1 "http://127.0.0.1:$(cat fast.port)/demo:1.0" --store "$store"
[ "$(jq -r .bytes_resumed "$TEST_DIR/out")" -ge 1000000 ] || fail "the re-run did not continue from the partial blob"
MLOPS_HOME="$store" expect_exit 0 mlops package verify demo:1.0
