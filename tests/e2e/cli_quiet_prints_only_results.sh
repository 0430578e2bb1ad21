#!/usr/bin/env bash
# With -q every command prints only its results (stdout) and errors: nothing else on stderr. Without -q, messages go to stderr and stdout holds only results.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

quiet() { # EXPECT-STDOUT(yes|no) ARGS...: `mlops -q ARGS` exits 0, prints nothing on stderr
  local want=$1; shift
  expect_exit 0 mlops -q "$@"
  [ ! -s "$TEST_DIR/err" ] || { cat "$TEST_DIR/err" >&2; fail "mlops -q $*: printed on stderr (above)"; }
  if [ "$want" = yes ]; then [ -s "$TEST_DIR/out" ] || fail "mlops -q $*: no result on stdout"; fi
  if [ "$want" = no ]; then [ ! -s "$TEST_DIR/out" ] || { cat "$TEST_DIR/out" >&2; fail "mlops -q $*: printed on stdout (above)"; }; fi
}

# init: messages only, so -q prints nothing; without -q they are on stderr, not stdout.
quiet no init demo --defaults
expect_exit 0 mlops init demo2 --defaults
expect_eq "$(cat "$TEST_DIR/out")" "" "stdout of mlops init (messages belong on stderr)"
expect_contains "$TEST_DIR/err" "demo2"
quiet yes template list
quiet yes template show ml-project
quiet yes version
quiet yes completion bash
quiet yes help exp

exp_repo repo
cd repo
quiet no exp run -n first -- true
printf '{"acc": 0.5}\n' >metrics.json
quiet no exp run -n second -S lr=0.2 -- true
quiet yes exp list
quiet yes exp show first
quiet yes exp diff first second
quiet no exp tag first best
quiet no exp branch first from-first
quiet no exp apply second --force
quiet yes params diff
quiet yes metrics show
quiet no exp rm first
quiet no exp gc

cd ..
make_package_project proj
cd proj
quiet yes package build
quiet yes package list
quiet yes package inspect demo:1.0
quiet yes key generate ../release.key
quiet yes package sign demo:1.0 --key ../release.key
quiet yes package verify demo:1.0 --key ../release.key.pub
quiet no package unpack demo:1.0 ../unpacked
quiet no package tag demo:1.0 demo:prod
quiet no package export demo:1.0 ../demo.tar
quiet no package rm demo:prod
quiet yes package import ../demo.tar
