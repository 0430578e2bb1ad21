#!/usr/bin/env bash
# Outputs declared in mlops.yaml are kept for sweep runs (artifacts kept=true); `mlops exp apply RUN` brings back its code and outputs byte-identical, without moving HEAD.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

git init -q -b main repo
cd repo
printf 'seed: 0\n' >params.yaml
printf 'params: [params.yaml]\noutputs: [models/]\n' >mlops.yaml
printf 'models/\n' >.gitignore
cat >train.sh <<'SH'
#!/bin/sh
mkdir -p models/sub
seed=$(sed -n 's/^seed: //p' params.yaml)
head -c 4096 /dev/urandom >models/model.bin
echo "seed $seed" >models/sub/info.txt
SH
git add -A
git commit -q -m base
head=$(git rev-parse HEAD)

expect_exit 0 mlops --json exp run -S seed=1,2 -- sh train.sh
cp "$TEST_DIR/out" "$TEST_DIR/runs.json"
expect_json "$TEST_DIR/runs.json" length 2
expect_json "$TEST_DIR/runs.json" '[.[].artifacts[].kept] | unique | join(",")' true
expect_json "$TEST_DIR/runs.json" '[.[0].artifacts[].path] | sort | join(" ")' "models/model.bin models/sub/info.txt"
expect_no_path models
[ -z "$(ls -A .git/mlops/worktrees 2>/dev/null)" ] || fail "worktrees left: $(ls .git/mlops/worktrees)"
name=$(jq -r '.[] | select(.params.seed == 2) | .name' "$TEST_DIR/runs.json")
other=$(jq -r '.[] | select(.params.seed == 1) | .name' "$TEST_DIR/runs.json")
model_sha=$(jq -r '.[] | select(.params.seed == 2) | .artifacts[] | select(.path == "models/model.bin") | .sha256' "$TEST_DIR/runs.json")
other_sha=$(jq -r '.[] | select(.params.seed == 1) | .artifacts[] | select(.path == "models/model.bin") | .sha256' "$TEST_DIR/runs.json")
[ "$model_sha" != "$other_sha" ] || fail "the two runs kept the same model"

expect_exit 0 mlops --json exp apply "$name"
expect_json "$TEST_DIR/out" '.outputs | sort | join(" ")' "models/model.bin models/sub/info.txt"
expect_json "$TEST_DIR/out" '.written | join(" ")' params.yaml
expect_json "$TEST_DIR/out" .backup ""
expect_eq "$(sha256sum models/model.bin | cut -d' ' -f1)" "$model_sha" "models/model.bin after apply"
expect_eq "$(cat models/sub/info.txt)" "seed 2" "models/sub/info.txt after apply"
expect_eq "$(cat params.yaml)" "seed: 2" "params.yaml after apply"
expect_eq "$(git rev-parse HEAD)" "$head" "HEAD"
expect_eq "$(git symbolic-ref HEAD)" refs/heads/main "branch"
expect_eq "$(git --no-optional-locks status --porcelain)" " M params.yaml" "status after apply"

# The other run's outputs differ from the workspace's now. params.yaml is uncommitted work:
# without --force that is a conflict, and nothing is written.
expect_exit 6 mlops exp apply "$other"
expect_contains "$TEST_DIR/err" "params.yaml"
expect_eq "$(sha256sum models/model.bin | cut -d' ' -f1)" "$model_sha" "models/model.bin after the refused apply"
expect_exit 0 mlops --json exp apply --force "$other"
expect_eq "$(sha256sum models/model.bin | cut -d' ' -f1)" "$other_sha" "models/model.bin after apply --force"
backup=$(jq -r .backup "$TEST_DIR/out")
expect_eq "$(git show "$backup:params.yaml")" "seed: 2" "the replaced params.yaml in the backup"
# models/ is ignored: the replaced model was saved as a file.
saved="$(jq -r .backup_dir "$TEST_DIR/out")/models/model.bin"
expect_eq "$(sha256sum "$saved" | cut -d' ' -f1)" "$model_sha" "the replaced model, saved"
expect_eq "$(git rev-parse HEAD)" "$head" "HEAD"
