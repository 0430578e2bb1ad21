#!/usr/bin/env bash
# `mlops exp pull` from a hostile remote imports the valid runs (one on top of a 20,000-commit history, one whose name holds an escape sequence) and refuses, naming each, the refs that hold none: a blob, a tree, a name that is not a run id, another run's record, a huge run.json, a summary nested 5000 deep, a huge log, a deeply nested params.json; nothing of them stays; `exp push` never sends an invalid ref.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

forge() { "$PYTHON" "$MLOPS_SOURCE_DIR/tests/e2e/forge_run.py" "$@"; }
u() { echo "01M8ZZZZZZZZZZZZZZZZZZZZ$1"; }

exp_repo origin
cd origin
expect_exit 0 mlops exp run -n good1 -- true
expect_exit 0 mlops exp run -n good2 -- sh -c 'echo out'
g1=$(exp_field good1 .id)
g2=$(exp_field good2 .id)
c1=$(git rev-parse "refs/mlops/exps/$g1")
git update-ref "refs/mlops/exps/$(u A1)" "$(echo evil | git hash-object -w --stdin)"
git update-ref "refs/mlops/exps/$(u A2)" "$(git rev-parse 'HEAD^{tree}')"
git update-ref refs/mlops/exps/not-a-run "$c1"
git update-ref "refs/mlops/exps/$(u A3)" "$c1"
"$PYTHON" -c 'import json, sys; print(json.dumps({"schema": 1, "id": sys.argv[1], "status": "completed", "pad": "x" * 9000000}))' "$(u A4)" >"$TEST_DIR/big.json"
git update-ref "refs/mlops/exps/$(u A4)" "$(forge "$c1" "$(u A4)" --no-trailer --file "run.json=$TEST_DIR/big.json")"
deep=$(printf '%0.s[' $(seq 1 5000))
git update-ref "refs/mlops/exps/$(u A5)" "$(forge "$c1" "$(u A5)" --trailer "{\"schema\":1,\"id\":\"$(u A5)\",\"status\":\"completed\",\"params\":{\"x\":$deep")"
head -c 6000000 /dev/zero | tr '\0' x >"$TEST_DIR/big.log"
git update-ref "refs/mlops/exps/$(u A6)" "$(forge "$c1" "$(u A6)" --file "logs/stdout=$TEST_DIR/big.log")"
printf '{"x": %s1' "$deep" >"$TEST_DIR/deep.json"
git update-ref "refs/mlops/exps/$(u A7)" "$(forge "$c1" "$(u A7)" --file "params.json=$TEST_DIR/deep.json")"
# Valid, if odd: a name with a terminal escape sequence; a snapshot 20,000 commits deep.
git update-ref "refs/mlops/exps/$(u B1)" "$(forge "$c1" "$(u B1)" --set 'name="x\u001b]0;pwned\u0007"')"
"$PYTHON" -c '
for i in range(20000):
    print(f"commit refs/heads/long\ncommitter a <a@example.com> {1700000000 + i} +0000\ndata 2\n{i % 10}\n")' | git fast-import --quiet
long=$(git rev-parse refs/heads/long)
git update-ref "refs/mlops/exps/$(u B2)" "$(forge "$c1" "$(u B2)" --parent "$long" --set "snapshot=\"$long\"" --set "baseline=\"$long\"" --set 'name="long"')"
bad=("$(u A1)" "$(u A2)" not-a-run "$(u A3)" "$(u A4)" "$(u A5)" "$(u A6)" "$(u A7)")
good=$(printf '%s\n' "$g1" "$g2" "$(u B1)" "$(u B2)" | sort | paste -sd' ')

cd "$TEST_DIR"
git clone -q origin local
cd local
expect_exit 1 mlops --json exp pull
expect_json "$TEST_DIR/out" '.updated | sort | join(" ")' "$good"
expect_json "$TEST_DIR/out" '.rejected | length' 8
for b in "${bad[@]}"; do
  expect_json "$TEST_DIR/out" "[.rejected[] | select(startswith(\"$b: \"))] | length" 1
done
expect_json "$TEST_DIR/out" '.rejected[] | select(startswith("'"$(u A1)"': ")) | contains("blob")' true
expect_json "$TEST_DIR/out" '.rejected[] | select(startswith("'"$(u A4)"': ")) | contains("run.json")' true
expect_json "$TEST_DIR/out" '.rejected[] | select(startswith("'"$(u A5)"': ")) | contains("nested")' true
expect_json "$TEST_DIR/out" '.rejected[] | select(startswith("'"$(u A6)"': ")) | contains("logs/stdout")' true
expect_json "$TEST_DIR/out" '.rejected[] | select(startswith("'"$(u A7)"': ")) | contains("params.json")' true
expect_eq "$(git for-each-ref --format='%(refname:lstrip=3)' refs/mlops/exps | sort | paste -sd' ')" "$good" "runs imported"
expect_eq "$(git for-each-ref --format='%(refname:lstrip=5)' refs/mlops/remotes/origin/exps | sort | paste -sd' ')" "$good" "tracking refs kept"
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" length 4
[ ! -s "$TEST_DIR/err" ] || { cat "$TEST_DIR/err" >&2; fail "the listing warns about runs that were refused"; }
expect_exit 0 mlops exp show long
# A second pull refuses the same refs again and imports nothing.
expect_exit 1 mlops --json exp pull
expect_json "$TEST_DIR/out" '.updated | length' 0
expect_json "$TEST_DIR/out" '.rejected | length' 8
expect_json "$TEST_DIR/out" .unchanged 4

# push sends the valid runs only: not a bad ref made here.
git update-ref "refs/mlops/exps/$(u C1)" "$(echo local-evil | git hash-object -w --stdin)"
git init -q --bare "$TEST_DIR/dest.git"
expect_exit 1 mlops --json exp push "$TEST_DIR/dest.git"
expect_json "$TEST_DIR/out" '.updated | sort | join(" ")' "$good"
expect_json "$TEST_DIR/out" '.rejected | length' 1
expect_json "$TEST_DIR/out" '.rejected[0] | startswith("'"$(u C1)"': ")' true
expect_eq "$(git -C "$TEST_DIR/dest.git" for-each-ref --format='%(refname:lstrip=3)' refs/mlops/exps | sort | paste -sd' ')" "$good" "runs pushed"
