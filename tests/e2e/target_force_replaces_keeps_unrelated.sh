#!/usr/bin/env bash
# With --force into a non-empty directory, files the template produces are replaced and reported; unrelated files are kept.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

mkdir -p proj/data/raw proj/src
echo "# my old readme" >proj/README.md
echo "mine" >proj/notes.txt
echo "1,2,3" >proj/data/raw/mine.csv
echo "print('mine')" >proj/src/legacy.py
expect_exit 0 mlops --json init proj --defaults --force
expect_json "$TEST_DIR/out" '.overwritten | join(",")' README.md
expect_contains proj/README.md "A machine learning project"
expect_not_contains proj/README.md "my old readme"
expect_eq "$(cat proj/notes.txt)" mine "notes.txt"
expect_eq "$(cat proj/data/raw/mine.csv)" "1,2,3" "data/raw/mine.csv"
expect_eq "$(cat proj/src/legacy.py)" "print('mine')" "src/legacy.py"
expect_file proj/mlops.yaml
expect_file proj/data/raw/.gitkeep
expect_eq "$(find proj -name '*mlops-init*' | wc -l)" 0 "staging directories left"
# The commit holds the template's files only; the user's files are left untracked.
git -C proj cat-file -e HEAD:mlops.yaml || fail "mlops.yaml not committed"
if git -C proj cat-file -e HEAD:notes.txt 2>/dev/null; then fail "the user's notes.txt was committed"; fi
expect_eq "$(git -C proj show HEAD:README.md)" "$(cat proj/README.md)" "committed README.md"
