#!/usr/bin/env bash
# A store the user cannot write (a shared read-only mount, another user's store, a plain
# OCI layout without mlops' own directories) still serves every reading command: list,
# inspect, verify (also --key), unpack and export. None of them creates anything in it.
. "$(dirname "$0")/harness.sh"

make_package_project proj
build_package proj
expect_exit 0 mlops key generate signing.key
expect_exit 0 mlops package sign demo:1.0 --key signing.key
# A second copy as a bare OCI layout, as skopeo writes one: no mlops/, no ingest/.
if command -v skopeo >/dev/null; then
  skopeo copy -q "oci:$MLOPS_HOME:demo:1.0" "oci:$TEST_DIR/plain:demo:1.0"
fi

# As root, permissions do not stop us: run the commands as nobody instead.
if [ "$(id -u)" = 0 ]; then
  command -v setpriv >/dev/null || skip "setpriv is needed to drop root"
  as_reader() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
  chmod -R go+rX "$TEST_DIR"
  chmod 755 "$TEST_DIR"
else
  as_reader() { "$@"; }
  chmod -R a-w "$MLOPS_HOME"
  [ ! -d plain ] || chmod -R a-w plain
fi
mkdir -m 777 writable
# HOME must not be the harness's (root's) for the reader's own config, but the store is
# given with --store, so no default location is needed.
for store in "$MLOPS_HOME" "$TEST_DIR/plain"; do
  [ -d "$store" ] || continue
  before=$(tree_digest "$store")
  expect_exit 0 as_reader "$MLOPS" package list --store "$store"
  expect_contains "$TEST_DIR/out" "demo:1.0"
  expect_exit 0 as_reader "$MLOPS" package inspect demo:1.0 --store "$store"
  expect_exit 0 as_reader "$MLOPS" package verify demo:1.0 --store "$store"
  expect_contains "$TEST_DIR/out" "ok:"
  if [ "$store" = "$MLOPS_HOME" ]; then
    expect_exit 0 as_reader "$MLOPS" package verify demo:1.0 --key signing.key.pub --store "$store"
  fi
  expect_exit 0 as_reader "$MLOPS" package export demo:1.0 "writable/$(basename "$store").tar" --store "$store"
  expect_exit 0 as_reader "$MLOPS" package unpack demo:1.0 "writable/$(basename "$store")" --store "$store"
  cmp proj/models/model.bin "writable/$(basename "$store")/models/model.bin" || fail "unpacked weights differ"
  expect_eq "$(tree_digest "$store")" "$before" "the read-only store $store"
done
