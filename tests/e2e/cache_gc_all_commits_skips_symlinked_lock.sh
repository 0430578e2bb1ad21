#!/usr/bin/env bash
# A commit may hold mlops.lock as a symbolic link (anyone's repository): `mlops cache gc
# --all-commits` skips it, neither failing on the link's target text nor following it to
# the file it names, so what only that file names is not kept.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

pipeline_project p
cd p
expect_exit 0 mlops repro
git add -A && git commit -qm v1
# A blob in the store that nothing names any more.
echo 'named by real.lock only' >lonely.bin
expect_exit 0 mlops data add lonely.bin
lonely=$(sha256sum <lonely.bin | cut -d' ' -f1)
rm lonely.bin.mlops
expect_exit 0 mlops --json cache gc --all-commits
before=$(jq .removed "$TEST_DIR/out")
[ "$before" -ge 1 ] || fail "the lonely blob should be collectable"
# A commit whose mlops.lock is a link to real.lock, which names the lonely blob.
cp mlops.lock "$TEST_DIR/lock.v1"
cat >real.lock <<YAML
schema: 1
stages:
  lonely:
    cmd: echo
    outs:
      - {path: lonely.bin, sha256: $lonely, size: $(stat -c %s lonely.bin)}
YAML
rm mlops.lock && ln -s real.lock mlops.lock
git add -A && git commit -qm "linked lock"
git rm -q real.lock && rm mlops.lock && cp "$TEST_DIR/lock.v1" mlops.lock
git add -A && git commit -qm "regular lock again"
expect_exit 0 mlops --json cache gc --all-commits
expect_json "$TEST_DIR/out" .removed "$before"
expect_file "$(store_blob "$lonely")"
