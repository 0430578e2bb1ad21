#!/usr/bin/env bash
# Builds killed (kill -9) while writing a blob leave partial blobs in the store's ingest/;
# they no longer pile up. The next build removes them: all of them when it is alone, and
# only those whose writer is provably gone (its flock is free) while another writer holds
# the store; a live writer's file is never touched. gc removes everything in ingest/,
# however young.
. "$(dirname "$0")/harness.sh"
command -v flock >/dev/null || skip "flock (util-linux) is needed"

make_package_project proj
head -c $((256 << 20)) /dev/zero >proj/models/model.bin  # long enough to be caught writing
git -C proj commit -qam big
sleep 0.2
ingest=$MLOPS_HOME/ingest

# kill_builds N: starts builds and kill -9s each while its blob is being written.
kill_builds() {
  local want=$1 killed=0 tries=0 pid
  while [ "$killed" -lt "$want" ]; do
    tries=$((tries + 1))
    [ "$tries" -le 20 ] || fail "could not catch a build while it wrote a blob"
    rm -f "$MLOPS_HOME/mlops/digests-v2"  # so the weights are read and written again
    before=$(find "$ingest" -type f 2>/dev/null | sort || true)
    (cd proj && exec "$MLOPS" package build >/dev/null 2>&1) &
    pid=$!
    KILL_ON_EXIT+=("$pid")
    while kill -0 "$pid" 2>/dev/null; do
      now=$(find "$ingest" -type f -size +1M 2>/dev/null | sort || true)
      if [ -n "$(comm -13 <(echo "$before") <(echo "$now"))" ]; then
        kill -KILL "$pid"
        killed=$((killed + 1))
        break
      fi
      sleep 0.01
    done
    wait "$pid" 2>/dev/null || true
  done
}
partials() { find "$ingest" -type f | wc -l; }

mkdir -p "$MLOPS_HOME"
# Each build removes what the one killed before it left: no pile-up.
kill_builds 3
expect_eq "$(partials)" 1 "partial blobs after three killed builds"

# Another writer holds the store (the gc lock, shared) and its blob is live (locked): builds
# remove the dead writers' files and leave the live one.
touch "$ingest/blob-livewriter"
# In a session of its own, so that killing the group ends the sleep holding the locks too.
setsid flock -s "$MLOPS_HOME/mlops/gc.lock" flock -x "$ingest/blob-livewriter" sleep 600 &
holder=$!
KILL_ON_EXIT+=("-$holder")
until ! flock -n -x "$ingest/blob-livewriter" true; do sleep 0.05; done
kill_builds 2
expect_eq "$(partials)" 2 "partial blobs (one dead, one live) while another writer holds the store"
build_package proj
expect_eq "$(ls "$ingest")" "blob-livewriter" "ingest/ while another writer is live"
kill -KILL -- "-$holder"
wait "$holder" 2>/dev/null || true
while ! flock -n -x "$ingest/blob-livewriter" true; do sleep 0.05; done

# Alone, a build removes everything a dead writer left.
build_package proj
expect_eq "$(ls -A "$ingest")" "" "ingest/ after a build alone in the store"
expect_exit 0 mlops package verify demo:1.0

# gc too, at once (no hour to wait).
kill_builds 1
expect_eq "$(partials)" 1 "partial blobs before gc"
expect_exit 0 mlops --json package gc
expect_json "$TEST_DIR/out" .partial_blobs_removed 1
expect_eq "$(ls -A "$ingest")" "" "ingest/ after gc"
expect_exit 0 mlops package verify demo:1.0
