#!/usr/bin/env bash
# `-S a=1,2 -S b=x,y --jobs 2` runs the 4 grid points in temporary worktrees: one sweep id, each snapshot with its params, output prefixed [name], workspace untouched, worktrees removed.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q -b main repo
cd repo
printf 'a: 0\nb: z\nkeep: same\n' >params.yaml
git add -A
git commit -q -m base
digest_before=$(worktree_digest .)
index_before=$(sha256sum .git/index)

# shellcheck disable=SC2016  # expanded by the run's shell
expect_exit 0 mlops exp run -S a=1,2 -S b=x,y --jobs 2 -- sh -c 'sleep 0.2; echo "a=$(sed -n "s/^a: //p" params.yaml) b=$(sed -n "s/^b: //p" params.yaml) pwd=$PWD"; echo "{\"score\": 1}" > metrics.json'
cp "$TEST_DIR/out" "$TEST_DIR/sweep.out"
expect_eq "$(worktree_digest .)" "$digest_before" "the workspace after the sweep"
expect_eq "$(sha256sum .git/index)" "$index_before" "the index after the sweep"
expect_no_path metrics.json

expect_exit 0 mlops --json exp list --all
cp "$TEST_DIR/out" "$TEST_DIR/runs.json"
expect_json "$TEST_DIR/runs.json" length 4
expect_json "$TEST_DIR/runs.json" '[.[].sweep] | unique | length' 1
expect_json "$TEST_DIR/runs.json" '.[0].sweep | test("^[0-9A-Z]{26}$")' true
expect_json "$TEST_DIR/runs.json" '[.[] | "\(.params.a)\(.params.b)"] | sort | join(" ")' "1x 1y 2x 2y"
expect_json "$TEST_DIR/runs.json" '[.[].status] | unique | join(",")' completed
expect_json "$TEST_DIR/runs.json" '[.[].metrics.score.last] | unique | length' 1
expect_json "$TEST_DIR/runs.json" '[.[].snapshot] | unique | length' 4
for name in $(jq -r '.[].name' "$TEST_DIR/runs.json"); do
  a=$(jq -r --arg n "$name" '.[] | select(.name == $n) | .params.a' "$TEST_DIR/runs.json")
  b=$(jq -r --arg n "$name" '.[] | select(.name == $n) | .params.b' "$TEST_DIR/runs.json")
  s=$(jq -r --arg n "$name" '.[] | select(.name == $n) | .snapshot' "$TEST_DIR/runs.json")
  expect_eq "$(git show "$s:params.yaml")" "$(printf 'a: %s\nb: %s\nkeep: same' "$a" "$b")" "params.yaml in the snapshot of $name"
  expect_eq "$(git rev-parse "$s^")" "$(git rev-parse HEAD)" "parent of the snapshot of $name"
  # Its output, prefixed with its name, shows it saw its own params in its own directory.
  grep -qF "[$name] a=$a b=$b pwd=$(pwd -P)/.git/mlops/worktrees/" "$TEST_DIR/sweep.out" ||
    { cat "$TEST_DIR/sweep.out" >&2; fail "no line '[$name] a=$a b=$b pwd=…/.git/mlops/worktrees/…'"; }
done
expect_eq "$(wc -l <"$TEST_DIR/sweep.out")" 4 "lines of output"
grep -v '^\[' "$TEST_DIR/sweep.out" && fail "a line of output without its [name] prefix"
[ -z "$(ls -A .git/mlops/worktrees 2>/dev/null)" ] || fail "worktrees left: $(ls .git/mlops/worktrees)"
[ -z "$(ls -A .git/mlops/live 2>/dev/null)" ] || fail "live directories left: $(ls .git/mlops/live)"
git worktree list --porcelain | grep -c '^worktree ' | grep -qx 1 || fail "git knows of extra worktrees"
expect_fsck_clean
