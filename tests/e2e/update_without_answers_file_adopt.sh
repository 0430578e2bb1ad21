#!/usr/bin/env bash
# A project without .mlops/answers.yaml: update says how to adopt a template (exit 2);
# `update --adopt --template SRC --to REF` records it and its answers, changing no other file;
# the next update merges from that version.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
sed -i 's/^line 6$/line 6, from v2/' src/files/README.md
commit_template src v2
url="file://$(pwd -P)/src"

# A project made by hand from v1 (no answers file).
expect_exit 0 mlops init made --template "$url@v1" -S name=shop --no-git
mkdir proj && cp -a made/. proj/ && rm -r proj/.mlops
git -C proj init -q && git -C proj add -A && git -C proj commit -qm "by hand"
sed -i 's/^line 2$/line 2, mine/' proj/README.md && git -C proj commit -qam mine

expect_exit 2 mlops update proj
expect_clean_error
expect_contains "$TEST_DIR/err" "mlops update --adopt --template SRC"

digest=$(cd proj && git ls-files -s | grep -v answers.yaml | sha256sum)
expect_exit 0 mlops --json update proj --adopt --template "$url" --to v1 -S name=shop
expect_json "$TEST_DIR/out" .template.ref v1
expect_json "$TEST_DIR/out" .template.commit "$(git -C src rev-parse v1)"
expect_eq "$(cd proj && git ls-files -s | grep -v answers.yaml | sha256sum)" "$digest" "no other file changed"
expect_eq "$(git -C proj status --porcelain)" "" "the answers file is committed"
git -C proj show --name-only --format= HEAD | grep -qx .mlops/answers.yaml || fail "the adopt commit holds only the answers file"

expect_exit 0 mlops update proj
expect_contains proj/README.md "line 2, mine"
expect_contains proj/README.md "line 6, from v2"
