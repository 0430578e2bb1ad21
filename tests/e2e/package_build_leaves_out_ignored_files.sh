#!/usr/bin/env bash
# package build leaves out of code and doc directories what git ignores (nested .gitignore,
# negation, .git/info/exclude, core.excludesFile; never a tracked file), and what
# .mlopsignore says (its rules, negations too, come after git's, for every directory
# layer); files listed in mlops.yaml are always packed, and git-ignored weights too. The
# code layer holds exactly what `git ls-files --cached --others --exclude-standard` lists,
# adjusted by .mlopsignore; inspect -v lists what was left out and why; leftovers do not
# change the package's digest.
. "$(dirname "$0")/harness.sh"

make_package_project proj
cd proj
mkdir -p src/pkg.egg-info src/build/lib src/__pycache__ src/data src/deep/er models/extra
printf '*.egg-info/\nbuild/\n__pycache__/\n*.bak\n/models/extra/\n' >.gitignore
printf '*.log\n!keep.log\ndata/\n' >src/.gitignore
printf '*.tmp\n' >>.git/info/exclude
printf '*.env\n' >"$TEST_DIR/global-ignore"
git config core.excludesFile "$TEST_DIR/global-ignore"
echo info >src/pkg.egg-info/PKG-INFO
echo built >src/build/lib/x.py
echo bytecode >src/__pycache__/x.cpython-311.pyc
echo noise >src/notes.log
echo kept >src/keep.log
echo scratch >src/local.tmp
echo SECRET=1 >src/secret.env
echo forced >src/forced.log
echo raw >src/data/raw.csv
echo tracked >src/data/keep.csv
echo deep >src/deep/er/mod.py
echo draft >src/scratch.py
echo old >old.bak
head -c 3000 /dev/urandom >models/extra/shard.bin
git add .gitignore src/.gitignore src/keep.log
git add -f src/forced.log src/data/keep.csv
git commit -qm "ignore rules"
# .mlopsignore: leave out an untracked file git keeps, bring back one git ignores.
printf 'src/scratch.py\n!src/notes.log\n' >.mlopsignore
cat >>mlops.yaml <<'YAML'
  datasets: [models/extra/]
YAML
sed -i 's/^  docs: \[README.md\]$/  docs: [README.md, old.bak]/' mlops.yaml
sleep 0.2

expect_exit 0 mlops --json package build
cp "$TEST_DIR/out" "$TEST_DIR/build.json"
digest=$(jq -r .digest "$TEST_DIR/build.json")
manifest=$(store_blob "$digest")
layer=$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] == "src") | .digest' "$manifest")
tar -tf "$(store_blob "$layer")" | grep -v '/$' | sort >"$TEST_DIR/packed"
{ git ls-files --cached --others --exclude-standard -- src | grep -vx src/scratch.py; echo src/notes.log; } | sort >"$TEST_DIR/expected"
diff "$TEST_DIR/expected" "$TEST_DIR/packed" || fail "the code layer is not what git (and .mlopsignore) keeps"
# The ignored but listed file, and the weights git ignores, are in.
jq -e '.layers[] | select(.annotations["org.cncf.model.filepath"] == "old.bak")' "$manifest" >/dev/null || fail "old.bak (listed) was left out"
jq -e '.layers[] | select(.annotations["org.cncf.model.filepath"] == "models/extra")' "$manifest" >/dev/null || fail "models/extra/ (git-ignored weights) was left out"

# What was left out, and why.
expect_json "$TEST_DIR/build.json" '[.excluded[] | select(.path == "src/pkg.egg-info/") | .rule] | .[0]' ".gitignore:1: *.egg-info/"
expect_json "$TEST_DIR/build.json" '[.excluded[] | select(.path == "src/local.tmp") | .rule] | .[0]' ".git/info/exclude:$(grep -c '' .git/info/exclude): *.tmp"
expect_json "$TEST_DIR/build.json" '[.excluded[] | select(.path == "src/scratch.py") | .rule] | .[0]' ".mlopsignore:1: src/scratch.py"
expect_json "$TEST_DIR/build.json" '[.excluded[] | select(.path == "src/data/raw.csv") | .rule] | .[0]' "src/.gitignore:3: data/"
expect_exit 0 mlops package inspect demo:1.0
expect_contains "$TEST_DIR/out" "paths were left out by ignore rules (-v lists them)"
expect_exit 0 mlops package inspect -v demo:1.0
expect_contains "$TEST_DIR/out" "src/secret.env"
expect_contains "$TEST_DIR/out" "$TEST_DIR/global-ignore:1: *.env"
expect_not_contains "$TEST_DIR/out" "src/keep.log"

# Without the leftovers the package is the same.
git clean -qfdX src
expect_no_path src/pkg.egg-info
rm src/scratch.py
printf '!src/notes.log\n' >.mlopsignore
echo noise >src/notes.log
expect_exit 0 mlops --json package build
expect_json "$TEST_DIR/out" .digest "$digest"
