#!/usr/bin/env bash
# A chain of 10 stages costs one sync of mlops.lock per stage and one directory sync at the
# end (not a file and a directory sync for both the journal and the lock each time): counted
# with strace, the syscalls, not time.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
mkdir p && cd p && git init -q
{
  echo 'stages:'
  prev=
  for i in $(seq 10); do
    echo "  s$i:"
    echo "    cmd: echo $i > s$i.txt"
    [ -z "$prev" ] || echo "    deps: [$prev]"
    echo "    outs: [{s$i.txt: {cache: false}}]"
    prev=s$i.txt
  done
} >mlops.yaml
# LeakSanitizer cannot work under ptrace (an ASan build): leaks are checked by the other tests.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  strace -f -qq -e trace=fsync,fdatasync,sync_file_range -o "$TEST_DIR/trace" "$MLOPS" repro >"$TEST_DIR/out" 2>"$TEST_DIR/err" ||
  fail "repro failed: $(cat "$TEST_DIR/err")"
syncs=$(grep -cE 'fsync|fdatasync|sync_file_range' "$TEST_DIR/trace")
[ "$syncs" -le 14 ] || fail "10 stages took $syncs syncs, expected at most 14: $(cat "$TEST_DIR/trace")"
expect_exit 0 mlops --json status
expect_json "$TEST_DIR/out" '[.stages[] | select(.stale)] | length' "0"
