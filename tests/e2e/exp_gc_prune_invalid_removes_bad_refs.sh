#!/usr/bin/env bash
# `mlops exp gc` names the refs under refs/mlops/exps/ that hold no valid run and keeps them; `exp gc --prune-invalid` removes exactly those (including a loose ref file holding garbage, and a run whose summary is fine but whose files are not), leaving the valid runs, and later commands warn no more.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
expect_exit 0 mlops exp run -n first -- true
expect_exit 0 mlops exp run -n second -- true
id=$(exp_field first .id)
commit=$(git rev-parse "refs/mlops/exps/$id")

u() { echo "01M8ZZZZZZZZZZZZZZZZZZZZZ$1"; }
git update-ref "refs/mlops/exps/$(u 1)" "$(echo evil | git hash-object -w --stdin)"
git update-ref refs/mlops/exps/nested/name "$commit"
echo garbage >".git/refs/mlops/exps/$(u 2)"
# A copy of the first run under another id, its summary trailer consistent, its params.json
# nested 5000 levels deep: only a look at the files finds it.
deep=$(printf '%0.s[' $(seq 1 5000))
tree=$(git ls-tree "$commit" | grep -v -e 'params.json$' -e 'run.json$' | {
  cat
  printf '100644 blob %s\tparams.json\n' "$(printf '{"x": %s' "$deep" | git hash-object -w --stdin)"
  printf '100644 blob %s\trun.json\n' "$(git show "$commit:run.json" | sed "s/$id/$(u 3)/" | git hash-object -w --stdin)"
} | git mktree)
git update-ref "refs/mlops/exps/$(u 3)" "$(git cat-file commit "$commit" | sed -n '/^$/,$p' | sed 1d | sed "s/$id/$(u 3)/g" | git commit-tree "$tree" -p "$(git rev-parse "$commit^")")"

expect_exit 0 mlops --json exp gc
expect_json "$TEST_DIR/out" '.invalid | length' 4
expect_json "$TEST_DIR/out" '.pruned | length' 0
expect_exit 0 mlops exp gc
expect_contains "$TEST_DIR/err" "refs/mlops/exps/$(u 1)"
expect_contains "$TEST_DIR/err" "--prune-invalid"
git show-ref -q --verify "refs/mlops/exps/$(u 1)" || fail "exp gc without --prune-invalid removed a ref"

expect_exit 0 mlops --json exp gc --prune-invalid
expect_json "$TEST_DIR/out" '.pruned | length' 4
expect_json "$TEST_DIR/out" '[.pruned[] | split(":")[0]] | sort | join(" ")' \
  "refs/mlops/exps/$(u 1) refs/mlops/exps/$(u 2) refs/mlops/exps/$(u 3) refs/mlops/exps/nested/name"
expect_json "$TEST_DIR/out" '.pruned[] | select(startswith("refs/mlops/exps/'"$(u 3)"'")) | contains("params.json")' true
expect_eq "$(git for-each-ref --format='%(refname)' refs/mlops/exps | sort | paste -sd' ')" \
  "$(printf 'refs/mlops/exps/%s\n' "$id" "$(exp_field second .id)" | sort | paste -sd' ')" "refs left"
[ ! -e ".git/refs/mlops/exps/$(u 2)" ] || fail "the garbage ref file is still there"
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" '[.[].name] | sort | join(" ")' "first second"
[ ! -s "$TEST_DIR/err" ] || { cat "$TEST_DIR/err" >&2; fail "warnings after the prune"; }
expect_fsck_clean
