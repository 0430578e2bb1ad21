#!/usr/bin/env bash
# `init --template http://user:password@host/...` killed (-9) during the fetch leaves the password in no file, and the next run removes the dead run's temporary directory.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

# A server that accepts connections and never answers: the fetch hangs at its first request.
"$PYTHON" - "$TEST_DIR/port" "$TEST_DIR/accepted" <<'PY' &
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    c, _ = s.accept()
    held.append(c)
    open(sys.argv[2], "a").write("x")
PY
KILL_ON_EXIT+=($!)
wait_for() { # FILE: up to 30 s, for a slow machine; not a timing assertion
  local i
  for ((i = 0; i < 300; i++)); do [ -s "$1" ] && return 0; sleep 0.1; done
  fail "timed out waiting for $1"
}
wait_for "$TEST_DIR/port"

export TMPDIR=$TEST_DIR/tmp
mkdir "$TMPDIR"
password="pw_$RANDOM$RANDOM"
"$MLOPS" init proj --defaults --template "http://alice:$password@127.0.0.1:$(cat "$TEST_DIR/port")/tpl.git" \
  >"$TEST_DIR/out" 2>"$TEST_DIR/err" &
pid=$!
KILL_ON_EXIT+=("$pid")
wait_for "$TEST_DIR/accepted"
kill -KILL "$pid"
wait "$pid" || true

[ -n "$(ls -A "$TMPDIR")" ] || fail "expected the killed run's temporary directory in \$TMPDIR"
if grep -r -a -l -F -- "$password" "$TMPDIR"; then fail "the password is on disk (above)"; fi
expect_not_contains "$TEST_DIR/err" "$password"
expect_no_path proj

# The next run that loads a template cleans up after the dead one (and after itself).
expect_exit 0 mlops template show ml-project
expect_eq "$(ls -A "$TMPDIR")" "" "\$TMPDIR after the next run"
