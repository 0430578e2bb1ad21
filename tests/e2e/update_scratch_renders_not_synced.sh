#!/usr/bin/env bash
# update renders the two template versions into a scratch directory it deletes: no syncfs
# for them (on a busy machine one syncfs waits for everyone's writes: seconds per update).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
update_template_v1 src
sed -i 's/^line 4$/line 4, from v2/' src/files/README.md
commit_template src v2
expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" --defaults
# LeakSanitizer cannot run under ptrace: the ASan build aborts at exit without this.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -e trace=syncfs -o "$TEST_DIR/trace" "$MLOPS" update proj --dry-run >/dev/null 2>&1 || fail "update --dry-run failed"
expect_not_contains "$TEST_DIR/trace" "syncfs("
