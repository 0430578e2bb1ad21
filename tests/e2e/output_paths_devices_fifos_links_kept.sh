#!/usr/bin/env bash
# A path named for output is written as the user means it, never replaced by a rename: a
# character device (as root, `-o /dev/null` once turned /dev/null into a regular file), a FIFO
# and /dev/stdout get the bytes in place; a symlink stays a symlink and its target gets the new
# content. For drift -o, drift profile -o, report -o and package export FILE.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

printf 'a,b\n1,x\n2,y\n3,x\n4,y\n' >ref.csv
printf 'a,b\n5,x\n6,y\n7,x\n8,x\n' >cur.csv
drift() { "$MLOPS" drift --reference ref.csv --current cur.csv --format json --fail-on never "$@"; }

# A FIFO: read by another process, still a FIFO afterwards.
mkfifo pipe
cat pipe >from-pipe &
reader=$!
expect_exit 0 drift -o pipe
wait "$reader"
[ -p pipe ] || fail "the FIFO was replaced"
jq -e '.number_of_columns == 2' from-pipe >/dev/null || fail "the FIFO's reader got no report: $(head -c 200 from-pipe)"

# /dev/stdout onto a file and into a pipe.
drift -o /dev/stdout >to-stdout 2>/dev/null || fail "drift -o /dev/stdout failed"
jq -e '.number_of_columns == 2' to-stdout >/dev/null || fail "-o /dev/stdout: no report in the redirected file"
drift -o /dev/stdout 2>/dev/null | jq -e '.number_of_columns == 2' >/dev/null || fail "-o /dev/stdout: no report through the pipe"

# A symlink: the link stays, its target gets the report; the same for a profile.
echo old >real.json && ln -s real.json link.json
expect_exit 0 drift -o link.json
[ -L link.json ] || fail "the symlink was replaced by a file"
jq -e '.number_of_columns == 2' real.json >/dev/null || fail "the symlink's target did not get the report"
mkdir sub && ln -s ../real.profile sub/link.profile
expect_exit 0 mlops drift profile ref.csv -o sub/link.profile
{ [ -L sub/link.profile ] && [ -s real.profile ]; } || fail "drift profile -o through a symlink"

# A directory is refused, nothing written.
mkdir outdir
expect_exit 6 drift -o outdir
expect_contains "$TEST_DIR/err" "is a directory"

# A character device (root only: mknod): still the device afterwards.
if mknod -m 666 null c 1 3 2>/dev/null; then
  expect_exit 0 drift -o null
  [ -c null ] || fail "drift -o replaced a character device with a $(stat -c %F null)"
  expect_exit 0 mlops drift profile ref.csv -o null
  [ -c null ] || fail "drift profile -o replaced a character device"
fi

# report -o and package export into a FIFO, /dev/stdout and a device.
make_package_project proj
build_package proj
cd proj
expect_exit 0 mlops exp run -n one -- true
"$MLOPS" report one -o /dev/stdout >report.md 2>/dev/null || fail "report -o /dev/stdout failed"
expect_contains report.md "mlops report: 1 run"
"$MLOPS" package export demo:1.0 /dev/stdout 2>/dev/null | tar -t >listing || fail "package export to /dev/stdout | tar -t"
expect_contains listing index.json
if [ -c ../null ]; then
  expect_exit 0 mlops package export demo:1.0 ../null
  [ -c ../null ] || fail "package export replaced a character device"
  expect_exit 0 mlops report one -o ../null
  [ -c ../null ] || fail "report -o replaced a character device"
fi
