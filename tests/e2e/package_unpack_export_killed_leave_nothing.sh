#!/usr/bin/env bash
# An unpack or an export killed with kill -9 leaves its staging directory (DIR/.mlops-unpack-*)
# or temp file (.FILE.tar.tmp-*); the next unpack into DIR, or export to FILE, removes it,
# and never one that a living unpack or export holds.
. "$(dirname "$0")/harness.sh"

make_package_project proj
head -c $((256 << 20)) /dev/zero >proj/models/model.bin
git -C proj commit -qam big
build_package proj

# kill_when CMD... : runs CMD in the background and kill -9s it once a file over 1 MiB
# matching $pattern (a find -path) exists.
kill_when() {
  local pid
  "$@" >/dev/null 2>&1 &
  pid=$!
  KILL_ON_EXIT+=("$pid")
  until [ -n "$(find . -path "$pattern" -type f -size +1M 2>/dev/null || true)" ]; do
    kill -0 "$pid" 2>/dev/null || fail "$* ended before it could be killed"
    sleep 0.01
  done
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
}

pattern='./deploy/.mlops-unpack-*/*'
kill_when "$MLOPS" package unpack demo:1.0 deploy
[ -n "$(find deploy -maxdepth 1 -name '.mlops-unpack-*')" ] || fail "the killed unpack left no staging directory"
# A living unpack's staging directory (locked) stays.
mkdir deploy/.mlops-unpack-alive
setsid flock -x deploy/.mlops-unpack-alive sleep 600 &  # its own group: killed with its sleep
holder=$!
KILL_ON_EXIT+=("-$holder")
until ! flock -n -x deploy/.mlops-unpack-alive true; do sleep 0.05; done
expect_exit 0 mlops package unpack demo:1.0 deploy
expect_eq "$(cd deploy && find . -maxdepth 1 -name '.mlops-unpack-*' | sort | tr '\n' ' ')" "./.mlops-unpack-alive " "staging directories after the next unpack"
cmp proj/models/model.bin deploy/models/model.bin || fail "the unpacked weights differ"
kill -KILL -- "-$holder"
wait "$holder" 2>/dev/null || true

pattern='./.demo.tar.tmp-*'
kill_when "$MLOPS" package export demo:1.0 demo.tar
[ -n "$(find . -maxdepth 1 -name '.demo.tar.tmp-*')" ] || fail "the killed export left no temp file"
expect_no_path demo.tar
expect_exit 0 mlops package export demo:1.0 demo.tar
expect_eq "$(find . -maxdepth 1 -name '.demo.tar.*' | wc -l)" 0 "temp files after the next export"
expect_exit 0 mlops package import demo.tar --store other
