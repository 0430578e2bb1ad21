#!/usr/bin/env bash
# A directory manifest in the store is any blob (a package pull, a shared store) that a cloned
# mlops.lock may name: one listing a file inside another file ("a" and "a/b") or a name twice
# is not restorable, as `data checkout` finds (exit 3: "not in the store", make it again), with
# a clean error and nothing written; no raw filesystem error half-way through.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q && printf 'schema: 1\nstages:\n  s:\n    cmd: cp in.txt o\n    deps: [in.txt]\n    outs: [o]\n' >mlops.yaml
echo data >in.txt
h=$(sha256sum <in.txt | cut -d' ' -f1)
expect_exit 0 mlops repro   # the store exists and holds in.txt's bytes as o
rm -rf o
check() { # ENTRIES-JSON
  man="{\"mediaType\":\"x\",\"entries\":[$1]}"
  mh=$(printf '%s' "$man" | sha256sum | cut -d' ' -f1)
  printf '%s' "$man" >"$(store_blob "$mh")"
  printf 'schema: 1\nstages:\n  s:\n    cmd: cp in.txt o\n    deps:\n      - path: in.txt\n        sha256: %s\n        size: 5\n    outs:\n      - path: o\n        sha256: %s\n        size: 10\n        nfiles: 2\n' "$h" "$mh" >mlops.lock
  before=$(tree_digest .)
  expect_exit 3 mlops checkout
  expect_clean_error
  expect_contains "$TEST_DIR/err" "is not in the store"
  expect_eq "$(tree_digest .)" "$before" "nothing changed"
}
e() { printf '{"path":"%s","sha256":"%s","size":5}' "$1" "$h"; }
check "$(e a),$(e a/b)"
check "$(e a),$(e a)"
