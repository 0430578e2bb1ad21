#!/usr/bin/env bash
# An interrupted build (SIGINT, as Ctrl-C sends it, on a terminal) exits 130 with one line
# saying what it stopped (the phase, the file, how far it got) and what that leaves: nothing
# tagged. The same build then succeeds. (NO_COLOR, which the harness sets, would hide the
# progress line this waits for.)
. "$(dirname "$0")/harness.sh"
command -v script >/dev/null || skip "script (util-linux) is needed"

make_package_project proj
head -c $((256 << 20)) /dev/zero >proj/models/model.bin
git -C proj commit -qam big

interrupted=
for _ in 1 2 3; do
  rm -f pid tty.out
  # The build on a pseudo-terminal; its pid in ./pid (the shell execs it).
  (cd proj && exec env -u NO_COLOR script -qfec "echo \$\$ >'$TEST_DIR/pid'; exec '$MLOPS' --color never package build" /dev/null </dev/null >"$TEST_DIR/tty.out" 2>&1) &
  runner=$!
  KILL_ON_EXIT+=("$runner")
  # Until the line shows bytes hashed: the weights (the biggest job, started first) are under way.
  until [ -s pid ] && grep -qaE "build: hashing  [1-9][0-9.]* MiB /" tty.out; do
    kill -0 "$runner" 2>/dev/null || break
    sleep 0.02
  done
  pid=$(cat pid)
  # Stopped first, so the signal lands while it hashes, whatever the machine's speed.
  if kill -STOP "$pid" 2>/dev/null; then
    kill -INT "$pid"
    kill -CONT "$pid"
    interrupted=yes
  fi
  # script(1) stops itself when it sees its child stopped and waits for a SIGCONT that no
  # terminal will send here: keep continuing it until it has exited (without this the test
  # hung now and then, script stopped beside an exited build).
  (while kill -CONT "$runner" 2>/dev/null; do sleep 0.1; done) &
  KILL_ON_EXIT+=("$!")
  wait "$runner" || true
  [ -z "$interrupted" ] || break
done
[ -n "$interrupted" ] || fail "the build finished before it could be interrupted, three times"
expect_contains tty.out "mlops: error: interrupted while build: hashing models/model.bin ("
expect_contains tty.out "done)"
expect_contains tty.out "hint: nothing was tagged"
[ ! -f "$MLOPS_HOME/index.json" ] || expect_eq "$(jq '.manifests | length' "$MLOPS_HOME/index.json")" 0 "packages after the interrupted build"

# The exit code, without a terminal in the way: signalled once the weights are being written
# (so its handlers are installed).
rm -rf "$MLOPS_HOME"
(cd proj && exec "$MLOPS" package build >/dev/null 2>"$TEST_DIR/err") &
pid=$!
KILL_ON_EXIT+=("$pid")
until [ -n "$(find "$MLOPS_HOME/ingest" -name 'blob-*' -size +1M 2>/dev/null || true)" ]; do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.02
done
rc=0
if kill -STOP "$pid" 2>/dev/null; then
  kill -INT "$pid"
  kill -CONT "$pid"
  wait "$pid" || rc=$?
  [ "$rc" = 130 ] || { cat err >&2; fail "an interrupted build exited $rc"; }
  expect_contains err "mlops: error: interrupted while build: hashing"
else
  wait "$pid" || true
fi
expect_exit 0 mlops -C proj package build
