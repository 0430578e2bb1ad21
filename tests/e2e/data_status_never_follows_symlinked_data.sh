#!/usr/bin/env bash
# A cloned repository may hold a pointer d.mlops and a symlink d -> / (or anywhere): data
# status and checkout do not hash through it (no read outside the project: counted with
# strace); status says modified, checkout refuses without --force and replaces only the link.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
mkdir -p p/d outside && cd p && git init -q && printf 'schema: 1\n' >mlops.yaml
echo a >d/f
expect_exit 0 mlops data add d
echo secret >../outside/secret
rm -rf d && ln -s ../outside d
# LeakSanitizer cannot work under ptrace (an ASan build): leaks are checked by the other tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
strace -f -e trace=openat -o "$TEST_DIR/trace" "$MLOPS" data status >"$TEST_DIR/out" 2>"$TEST_DIR/err" || fail "data status failed"
expect_contains "$TEST_DIR/out" "d: modified"
expect_not_contains "$TEST_DIR/trace" "secret"
strace -f -e trace=openat -o "$TEST_DIR/trace" "$MLOPS" checkout >"$TEST_DIR/out" 2>"$TEST_DIR/err" && fail "checkout replaced a symlink without --force"
expect_not_contains "$TEST_DIR/trace" "secret"
expect_exit 6 mlops checkout
expect_clean_error
expect_exit 0 mlops checkout --force
[ -L d ] && fail "the symlink is still there"
expect_eq "$(cat d/f)" a "d restored"
expect_eq "$(cat ../outside/secret)" secret "outside untouched"
