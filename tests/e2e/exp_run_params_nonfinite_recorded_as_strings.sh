#!/usr/bin/env bash
# A params.yaml with .inf / .nan (and -S lr=.inf) records them as "Infinity" / "NaN", not as null.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'lr: 0.1\ndepth: 3\nclip: .inf\nmom: .nan\nlist: [1, -.inf]\n' >params.yaml
git commit -q -am nonfinite
expect_exit 0 mlops exp run -n p -S lr=.inf -- true
expect_exit 0 mlops --json exp show p
expect_json "$TEST_DIR/out" '[.params.lr, .params.clip, .params.mom] | join(" ")' "Infinity Infinity NaN"
expect_json "$TEST_DIR/out" '.params.list | map(tostring) | join(" ")' "1 -Infinity"
expect_eq "$(git show "$(jq -r .commit "$TEST_DIR/out"):params.json" | jq -r .clip)" Infinity "params.json of the run commit"
