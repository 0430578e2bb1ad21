#!/usr/bin/env bash
# kill -9 during `mlops cache push --run-cache` at every rename it makes on a file:// remote:
# what the remote shows is always whole (each blob hashes to its name, each run-cache entry's
# blobs are there), the next push completes, and a clone then runs nothing.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

command -v strace >/dev/null || skip "strace is not installed"
strace -o /dev/null true 2>/dev/null || skip "strace cannot trace here (ptrace not permitted)"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

pipeline_project p
cd p
printf 'runs.log\nprepared.csv\nmodel.bin\n' >.gitignore
mkdir -p data/dir && for i in 1 2 3 4 5; do echo "$i" >"data/dir/$i"; done
expect_exit 0 mlops data add data/dir
expect_exit 0 mlops repro
remote="$TEST_DIR/remote"
whole() { # WHAT
  local f
  for f in "$remote"/mlops-cache/blobs/sha256/*; do
    [ -e "$f" ] || continue
    expect_eq "$(sha256sum <"$f" | cut -d' ' -f1)" "$(basename "$f")" "blob whole after a kill at $1"
  done
  for f in "$remote"/mlops-cache/runs/*.json; do
    [ -e "$f" ] || continue
    for d in $(jq -r '.outs[].sha256' "$f"); do
      expect_file "$remote/mlops-cache/blobs/sha256/$d"
    done
  done
}
count=$(strace -f -o "$TEST_DIR/probe.trace" -e trace=rename "$MLOPS" cache push --run-cache "file://$TEST_DIR/probe-remote" >/dev/null 2>&1; grep -c 'rename(' "$TEST_DIR/probe.trace" || true)
[ "$count" -ge 5 ] || fail "the probe push made only $count renames"
for n in $(seq 1 "$count"); do
  rm -rf "$remote"
  strace -f -o /dev/null -e trace=rename -e inject=rename:signal=SIGKILL:when="$n" "$MLOPS" cache push -j 1 --run-cache "file://$remote" >/dev/null 2>&1 &&
    fail "the push was not killed at rename #$n"
  whole "rename #$n"
  expect_exit 0 mlops cache push --run-cache "file://$remote"
  whole "rename #$n, pushed again"
done
git add -A && git commit -qm p
cd .. && git clone -q p q && cd q
printf 'remotes: {shared: {url: "file://%s"}}\ndefault_remote: shared\n' "$remote" >>mlops.yaml
export MLOPS_HOME="$TEST_DIR/other-store"
expect_exit 0 mlops --json repro --pull
expect_json "$TEST_DIR/out" '.ran | length' 0
