#!/usr/bin/env bash
# The listing cache (.git/mlops/cache) only speeds things up: deleted, corrupted or stale, `mlops exp list` still shows exactly the runs the refs name.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
for n in one two three; do expect_exit 0 mlops exp run -n "$n" -t "t-$n" -- sh -c "echo '{\"acc\": ${#n}}' > metrics.json"; done
listing() { mlops --json exp list --all | jq -c 'map([.id, .name, .status, .tags, .metrics.acc.last, .commit]) | sort'; }
want=$(listing)
expect_eq "$(jq length <<<"$want")" 3 "runs"
cache=.git/mlops/cache/exps-v2
expect_file "$cache"

rm -rf .git/mlops/cache
expect_eq "$(listing)" "$want" "listing without a cache"
expect_file "$cache"

head -c 4096 /dev/urandom >"$cache"
expect_eq "$(listing)" "$want" "listing with a random cache"
expect_exit 0 mlops exp list --all --filter 'metrics.acc >= 4'
expect_eq "$(tail -n +2 "$TEST_DIR/out" | awk '{print $2}' | sort | paste -sd' ')" "three" "filtered listing with a random cache"
# Random bytes written over part of a good cache, at several places (in the records' JSON,
# their commit ids, the line ends).
size=$(wc -c <"$cache")
for k in 1 2 3 4 5 6 7 8 9; do
  listing >/dev/null  # a good cache again
  head -c 24 /dev/urandom | dd of="$cache" bs=1 seek=$((size * k / 10)) conv=notrunc status=none
  expect_eq "$(listing)" "$want" "listing with random bytes at $((k * 10))% of the cache"
  expect_exit 0 mlops exp list --all
  expect_exit 0 mlops exp show one
done
# A cache with the right header and garbage records, one truncated mid-line, one with a
# record cut in half.
{ printf 'mlops-exp-cache 2\n'; head -c 2048 /dev/urandom | tr '\n' ' '; printf '\n'; } >"$cache"
expect_eq "$(listing)" "$want" "listing with garbage records"
head -c 300 "$cache" >"$cache.cut" && mv "$cache.cut" "$cache"
expect_eq "$(listing)" "$want" "listing with a truncated cache"
listing >/dev/null
"$PYTHON" - "$cache" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
lines[1] = lines[1][: len(lines[1]) // 2]
open(sys.argv[1], "wb").write(b"\n".join(lines))
PY
expect_eq "$(listing)" "$want" "listing with a record cut in half"
expect_exit 0 mlops exp show one

# A ref deleted behind mlops's back disappears from the list; the cache still names it.
id=$(exp_field two .id)
listing >/dev/null
grep -q "$(git rev-parse "refs/mlops/exps/$id")" "$cache" || fail "setup: the cache does not hold run two"
git update-ref -d "refs/mlops/exps/$id"
expect_eq "$(mlops --json exp list --all | jq -r '[.[].name] | sort | join(" ")')" "one three" "listing after git update-ref -d"
expect_exit 3 mlops exp show two
# A ref moved behind mlops's back (tagged by another mlops, say) shows its new record.
id3=$(exp_field three .id)
old=$(git rev-parse "refs/mlops/exps/$id3")
expect_exit 0 mlops exp tag three extra
new=$(git rev-parse "refs/mlops/exps/$id3")
git update-ref "refs/mlops/exps/$id3" "$old"
expect_eq "$(mlops --json exp list --all | jq -r '.[] | select(.name == "three") | .tags | join(",")')" "t-three" "tags after moving the ref back"
git update-ref "refs/mlops/exps/$id3" "$new"
expect_eq "$(mlops --json exp list --all | jq -r '.[] | select(.name == "three") | .tags | join(",")')" "t-three,extra" "tags after moving the ref forward"
# A cache that cannot be read or written (a directory in its place) is no error either.
rm -f "$cache"
mkdir "$cache"
expect_eq "$(mlops --json exp list --all | jq -r '[.[].name] | sort | join(" ")')" "one three" "listing with a directory for a cache"
expect_exit 0 mlops exp list --all
expect_eq "$(wc -c <"$TEST_DIR/err")" 0 "stderr with a directory for a cache"
