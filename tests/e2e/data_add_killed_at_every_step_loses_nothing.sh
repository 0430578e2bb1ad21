#!/usr/bin/env bash
# kill -9 during `mlops data add` at every rename and link it makes (strace injects SIGKILL),
# and at random points while it adds a directory of many files: the data is always intact in
# the workspace, the next `data add` completes, the store has no corrupt blob and the pointer
# names what is there.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

mkdir -p p/data && cd p && git init -q && printf 'schema: 1\n' >mlops.yaml
head -c 300000 /dev/urandom >data/raw.bin
sum=$(sha256sum <data/raw.bin | cut -d' ' -f1)
verify() { # WHAT
  expect_eq "$(sha256sum <data/raw.bin | cut -d' ' -f1)" "$sum" "data intact after a kill at $1"
  expect_exit 0 mlops data add data/raw.bin
  expect_contains data/raw.bin.mlops "sha256: $sum"
  expect_exit 0 mlops cache fsck
  expect_exit 0 mlops data status
  expect_contains "$TEST_DIR/err" "all data matches its pointers"
}
for call in link rename ioctl; do
  count=$(cd "$TEST_DIR" && rm -rf probe && cp -a p probe && cd probe && MLOPS_HOME="$TEST_DIR/probe-store" strace -f -o "$TEST_DIR/probe.trace" -e trace="$call" "$MLOPS" data add data/raw.bin >/dev/null 2>&1; grep -c "^[0-9 ]*$call(" "$TEST_DIR/probe.trace" || true)
  for n in $(seq 1 "$count"); do
    rm -rf "$MLOPS_HOME" data/raw.bin.mlops data/.gitignore
    chmod u+w data/raw.bin
    strace -f -o /dev/null -e trace="$call" -e inject="$call":signal=SIGKILL:when="$n" "$MLOPS" data add data/raw.bin >/dev/null 2>&1 &&
      fail "data add was not killed at $call #$n"
    verify "$call #$n"
  done
done
# Random points while a directory of many files goes in.
mkdir data/many
for i in $(seq 1 1500); do echo "$i" >"data/many/$i"; done
for delay in 0.01 0.05 0.1 0.2 0.3; do
  "$MLOPS" data add data/many >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  expect_eq "$(cat data/many/1500)" 1500 "directory intact after a kill at ${delay}s"
  expect_eq "$(find data/many -type f | wc -l)" 1500 "no file lost"
done
expect_exit 0 mlops data add data/many
expect_exit 0 mlops cache fsck
rm -rf data/many
expect_exit 0 mlops checkout
expect_eq "$(find data/many -type f | wc -l)" 1500 "checkout brings the directory back"
