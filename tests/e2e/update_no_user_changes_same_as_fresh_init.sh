#!/usr/bin/env bash
# An update of an unchanged project gives, byte for byte, what a fresh init of the new version
# with the same answers gives (files, modes, the answers file), in one commit naming both versions.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
sed -i 's/^line 5$/line 5, from v2/' src/files/README.md
git -C src rm -q files/old.txt
echo 'added in v2 for {{name}}' >src/files/new.txt
sed -i 's/1.0.0/2.0.0/' src/mlops-template.yaml
commit_template src v2
git clone -q --bare src tpl.git
url="file://$(pwd -P)/tpl.git"

expect_exit 0 mlops init a/proj --template "$url@v1" -S name=demo
head_before=$(git -C a/proj rev-parse HEAD)
expect_exit 0 mlops update a/proj
expect_exit 0 mlops init b/proj --template "$url@v2" --answers a/proj/.mlops/answers.yaml
expect_eq "$(worktree_digest a/proj)" "$(worktree_digest b/proj)" "updated project vs fresh init of v2"
cmp a/proj/.mlops/answers.yaml b/proj/.mlops/answers.yaml || fail "answers files differ"
expect_eq "$(git -C a/proj rev-parse HEAD~1)" "$head_before" "one commit on top of the old HEAD"
git -C a/proj log -1 --format=%s | grep -q "1.0.0 (v1).*to 2.0.0 (v2)" || fail "commit message: $(git -C a/proj log -1 --format=%s)"
expect_eq "$(git -C a/proj status --porcelain)" "" "clean after the update"
# Nothing more to do.
expect_exit 0 mlops --json update a/proj
expect_json "$TEST_DIR/out" .up_to_date true
