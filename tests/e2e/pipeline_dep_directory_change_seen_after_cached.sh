#!/usr/bin/env bash
# A directory dep's digest is remembered by its listing's stat data (no manifest rebuilt on a
# no-op status); any change in it is still seen: a file edited to the same size, a file
# added, a file removed, a file turned into a symlink, a file made executable.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir p && cd p && git init -q
mkdir -p data/sub
for i in 1 2 3; do echo "row $i" >data/f$i.txt; done
echo deep >data/sub/g.txt
cat >mlops.yaml <<'YAML'
stages:
  count:
    cmd: find data | sort > count.txt
    deps: [data]
    outs: [count.txt]
YAML
settle() { # past the racy window, then a status that remembers every listing
  sleep 0.3
  expect_exit 0 mlops --json status
  expect_exit 0 mlops --json status
  expect_json "$TEST_DIR/out" '[.stages[] | select(.stale)] | length' 0
  expect_json "$TEST_DIR/out" .files_hashed 0
}
stale_then_repro() { # WHAT
  expect_exit 0 mlops status --why
  expect_contains "$TEST_DIR/out" "count: dep data changed"
  expect_exit 0 mlops repro
  settle
}
expect_exit 0 mlops repro
settle
echo "row X" >data/f2.txt # same size
stale_then_repro
echo new >data/sub/h.txt
stale_then_repro
rm data/f3.txt
stale_then_repro
rm data/f1.txt && ln -s f2.txt data/f1.txt
stale_then_repro
chmod +x data/f2.txt
stale_then_repro
