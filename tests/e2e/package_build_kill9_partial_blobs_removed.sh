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
# A killed build may leave more than one file (its layers are written in parallel), so the
# checks name files: everything the last killed build found in ingest/ when it started is gone,
# except what a live writer holds (EXCEPT). With a live writer, an unlocked new-* file stays
# too: a build killed inside its create-lock-rename window leaves one, and it cannot be told
# from a live writer's (see below); the blob-* file each killed build was caught writing
# still has to go.
left_before_last_build_gone() {  # WHAT [EXCEPT]
  local f n=0
  for f in $before; do
    [ "$f" = "${2:-}" ] && continue
    [ -n "${2:-}" ] && case ${f##*/} in new-*) continue ;; esac
    n=$((n + 1))
    [ ! -e "$f" ] || fail "$1: $f, left by a dead writer before the last build, is still there"
  done
  [ "$n" -ge 1 ] || fail "$1: the last build found no dead writer's file to remove"
}

mkdir -p "$MLOPS_HOME"
# Each build removes what the one killed before it left: no pile-up.
kill_builds 3
left_before_last_build_gone "after three killed builds"
[ "$(partials)" -ge 1 ] || fail "the last killed build left no partial blob"

# Another writer holds the store (the gc lock, shared) and its blob is live (locked): builds
# remove the dead writers' files and leave the live one.
touch "$ingest/blob-livewriter"
# In a session of its own, so that killing the group ends the sleep holding the locks too.
setsid flock -s "$MLOPS_HOME/mlops/gc.lock" flock -x "$ingest/blob-livewriter" sleep 600 &
holder=$!
KILL_ON_EXIT+=("-$holder")
until ! flock -n -x "$ingest/blob-livewriter" true; do sleep 0.05; done
kill_builds 2
left_before_last_build_gone "while another writer holds the store" "$ingest/blob-livewriter"
[ -e "$ingest/blob-livewriter" ] || fail "a build removed the live writer's file"
build_package proj
# A new-* file stays too when a build was killed inside a writer's create-lock-rename window
# (layers are written in parallel, so a kill can land there): unlocked, it cannot be told from
# a live writer's, and only a build alone in the store or gc removes it (checked below).
kept=
for f in "$ingest"/*; do
  case ${f##*/} in new-*) ;; *) kept="$kept${kept:+ }${f##*/}" ;; esac
done
expect_eq "$kept" "blob-livewriter" "ingest/ while another writer is live"
kill -KILL -- "-$holder"
wait "$holder" 2>/dev/null || true
while ! flock -n -x "$ingest/blob-livewriter" true; do sleep 0.05; done

# Alone, a build removes everything a dead writer left.
build_package proj
expect_eq "$(ls -A "$ingest")" "" "ingest/ after a build alone in the store"
expect_exit 0 mlops package verify demo:1.0

# gc too, at once (no hour to wait).
kill_builds 1
left=$(partials)
[ "$left" -ge 1 ] || fail "the killed build left no partial blob"
expect_exit 0 mlops --json package gc
expect_json "$TEST_DIR/out" .partial_blobs_removed "$left"
expect_eq "$(ls -A "$ingest")" "" "ingest/ after gc"
expect_exit 0 mlops package verify demo:1.0
