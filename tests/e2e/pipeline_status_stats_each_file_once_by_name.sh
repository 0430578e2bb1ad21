#!/usr/bin/env bash
# A no-op `mlops status` and `mlops repro` stat each file of a dep directory once, by its name
# relative to its directory's fd (fstatat), never by a full path resolved again from the root
# for every file, and stat no subdirectory (readdir says what it is): counted with strace.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -f -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace refused)"
mkdir -p p/data/sub && cd p && git init -q
for i in 1 2 3 4 5; do echo "$i" >"data/file$i.txt"; done
echo deep >data/sub/deeper.txt
printf 'stages:\n  count:\n    cmd: ls -R data | wc -l > count.txt\n    deps: [data]\n    outs: [count.txt]\n' >mlops.yaml
expect_exit 0 mlops repro
sleep 0.2 # past the racy window, so that the next status remembers every file
expect_exit 0 mlops status
# LeakSanitizer cannot work under ptrace (an ASan build): leaks are checked by the other tests.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
for cmd in status repro; do
  strace -f -qq -e trace=%stat,%lstat,%fstat,statx -o "$TEST_DIR/trace" "$MLOPS" "$cmd" >"$TEST_DIR/out" 2>"$TEST_DIR/err" ||
    fail "$cmd failed: $(cat "$TEST_DIR/err")"
  expect_not_contains "$TEST_DIR/err" "running"
  for f in file1.txt file2.txt file3.txt file4.txt file5.txt deeper.txt; do
    by_name=$(grep -c "\"$f\"" "$TEST_DIR/trace" || true)
    by_path=$(grep -c "/$f\"" "$TEST_DIR/trace" || true)
    if [ "$by_name" != 1 ] || [ "$by_path" != 0 ]; then
      fail "$cmd stat'ed $f $by_name time(s) by name and $by_path by path, expected once by name: $(grep "$f" "$TEST_DIR/trace")"
    fi
  done
  if grep -E "[/\"]sub\"" "$TEST_DIR/trace"; then fail "$cmd stat'ed the subdirectory"; fi
done
