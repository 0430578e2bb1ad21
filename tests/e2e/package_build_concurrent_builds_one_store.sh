#!/usr/bin/env bash
# Eight builds at once into one store (four projects, each built twice) all land: every tag
# is in index.json exactly once, and every package verifies.
. "$(dirname "$0")/harness.sh"

pids=()
for i in 1 2 3 4; do
  make_package_project "p$i"
  sed -i "s/name: demo/name: model$i/" "p$i/mlops.yaml"
done
for i in 1 2 3 4; do
  (cd "p$i" && "$MLOPS" -q package build >"../out$i.a" 2>&1) & pids+=($!)
  (cd "p$i" && "$MLOPS" -q package build >"../out$i.b" 2>&1) & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || { cat out* >&2; fail "a concurrent build failed"; }; done
expect_eq "$(jq -r '[.manifests[].annotations["org.opencontainers.image.ref.name"]] | sort | join(",")' "$MLOPS_HOME/index.json")" \
  "model1:1.0,model2:1.0,model3:1.0,model4:1.0"
for i in 1 2 3 4; do expect_exit 0 mlops package verify "model$i:1.0"; done
expect_eq "$(find "$MLOPS_HOME/ingest" -type f | wc -l)" 0 "temp files left"
