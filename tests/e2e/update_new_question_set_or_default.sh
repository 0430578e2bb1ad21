#!/usr/bin/env bash
# A question the new version adds is answered from --set, else its default (no terminal), and
# recorded with the earlier answers; a new question without a default and no answer stops
# the update before anything changes (exit 2).
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

update_template_v1 src
cat >>src/mlops-template.yaml <<'YAML'
  - {name: port, type: int, default: 8080}
YAML
echo 'port {{port}}' >src/files/port.txt
commit_template src v2
cp -a src src3
cat >>src3/mlops-template.yaml <<'YAML'
  - {name: owner}
YAML
echo 'owner {{owner}}' >src3/files/owner.txt
commit_template src3 v3

expect_exit 0 mlops init proj --template "file://$(pwd -P)/src@v1" -S name=api
cp -a proj proj2
expect_exit 0 mlops --json update proj -S port=9000
expect_json "$TEST_DIR/out" '.new_questions | join(",")' port
expect_eq "$(cat proj/port.txt)" "port 9000"
expect_contains proj/.mlops/answers.yaml "port: 9000"
expect_contains proj/.mlops/answers.yaml 'name: "api"'
expect_exit 0 mlops update proj2
expect_eq "$(cat proj2/port.txt)" "port 8080"

# A question without a default, no terminal, no --set.
sed -i "s#location: .*#location: file://$(pwd -P)/src3#; s#ref: v2#ref: v1#" proj2/.mlops/answers.yaml
sed -i "s#commit: .*#commit: $(git -C src3 rev-parse v1)#" proj2/.mlops/answers.yaml
git -C proj2 commit -qam "point at src3"
head=$(git -C proj2 rev-parse HEAD)
digest=$(worktree_digest proj2)
expect_exit 2 mlops update proj2
expect_contains "$TEST_DIR/err" "owner"
expect_eq "$(worktree_digest proj2)" "$digest" "nothing changed"
expect_eq "$(git -C proj2 rev-parse HEAD)" "$head" "no commit"
