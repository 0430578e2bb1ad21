#!/usr/bin/env bash
# --from-exp records the run's id, params and metrics in manifest annotations (the ModelPack
# config admits no extra keys) and in the model card; the git commit and dirty flag always.
. "$(dirname "$0")/harness.sh"

make_package_project proj
cd proj
printf 'lr: 0.1\n' >params.yaml
sed -i 's/^schema: 1/schema: 1\nparams: [params.yaml]\nmetrics: [metrics.json]/' mlops.yaml
printf 'metrics.json\n' >.gitignore
git add -A && git commit -q -m params
expect_exit 0 mlops exp run -n best -S lr=0.5 -- sh -c 'echo "{\"acc\": 0.93}" > metrics.json'
expect_exit 0 mlops --json package build --from-exp best
digest=$(jq -r .digest "$TEST_DIR/out")
m=$(store_blob "$digest")
expect_json "$m" '.annotations["ai.mlops.exp.name"]' best
expect_json "$m" '.annotations["ai.mlops.exp.id"]' "$(exp_field best .id)"
expect_json "$m" '.annotations["ai.mlops.exp.params"] | fromjson | .lr' 0.5
expect_json "$m" '.annotations["ai.mlops.exp.metrics"] | fromjson | .acc' 0.93
expect_json "$m" '.annotations["ai.mlops.git.commit"]' "$(git rev-parse HEAD)"
expect_json "$m" '.annotations["ai.mlops.git.dirty"]' false
expect_json "$m" '.annotations["org.opencontainers.image.revision"]' "$(git rev-parse HEAD)"
card=$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] == "MODEL_CARD.md") | .digest' "$m")
expect_contains "$(store_blob "$card")" "| acc | 0.93 |"
expect_contains "$(store_blob "$card")" "Experiment run: \`best\`"
# The config is plain ModelPack: descriptor, config, modelfs and nothing else.
cfg=$(store_blob "$(jq -r .config.digest "$m")")
expect_json "$cfg" 'keys | join(",")' "config,descriptor,modelfs"
expect_json "$cfg" '.modelfs.diffIds | length' "$(jq '.layers | length' "$m")"
expect_json "$cfg" .config.format joblib
expect_json "$cfg" .descriptor.revision "$(git rev-parse HEAD)"

expect_exit 3 mlops package build --from-exp no-such-run
echo change >>README.md
expect_exit 0 mlops --json package build -t demo:dirty
expect_json "$(store_blob "$(jq -r .digest "$TEST_DIR/out")")" '.annotations["ai.mlops.git.dirty"]' true
