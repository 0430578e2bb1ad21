#!/usr/bin/env bash
# A checkout killed between writing an output's temporary copy and renaming it into place
# leaves `.NAME.mlops-restore-*` beside it; the next checkout removes it and completes.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

pipeline_project p
cd p
mkdir data && echo payload >data/raw.bin
expect_exit 0 mlops data add data/raw.bin
expect_exit 0 mlops repro
rm model.bin data/raw.bin
for n in 1 2; do
  strace -f -o /dev/null -e trace=rename -e inject=rename:signal=SIGKILL:when="$n" "$MLOPS" checkout >/dev/null 2>&1 &&
    fail "checkout was not killed"
done
left=$(find . -name '.*.mlops-restore-*' | wc -l)
[ "$left" -ge 1 ] || fail "the killed checkouts left no temporary file (the test would prove nothing)"
expect_exit 0 mlops checkout
expect_eq "$(find . -name '.*.mlops-restore-*' | wc -l)" 0 "temporary files removed"
expect_eq "$(cat data/raw.bin)" payload "data back"
expect_file model.bin
