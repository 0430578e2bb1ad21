#!/usr/bin/env bash
# A file name that is not UTF-8 in a directory layer is refused (exit 4) with the name
# escaped, and nothing is tagged; names in UTF-8 (accents, CJK) are packed as pax paths and
# come back byte for byte from unpack (libarchive without a UTF-8 locale used to crash on both).
. "$(dirname "$0")/harness.sh"

make_package_project proj
bad=$(printf 'proj/src/bad\377\376.py')
echo x >"$bad"
expect_exit 4 mlops -C proj package build
expect_clean_error
expect_contains "$TEST_DIR/err" 'src/bad\xff\xfe.py'
expect_contains "$TEST_DIR/err" "not UTF-8"
[ ! -f "$MLOPS_HOME/index.json" ] || expect_eq "$(jq '.manifests | length' "$MLOPS_HOME/index.json")" 0

# A control character in a name could not be unpacked safely either.
rm "$bad"
nl=$(printf 'proj/src/new\nline.py')
echo y >"$nl"
expect_exit 4 mlops -C proj package build
expect_clean_error
expect_contains "$TEST_DIR/err" 'src/new\x0aline.py'
rm "$nl"

# A symlink whose target is not UTF-8.
ln -s "$(printf 'pkg/\377')" proj/src/badlink
expect_exit 4 mlops -C proj package build
expect_clean_error
expect_contains "$TEST_DIR/err" 'src/badlink'
rm proj/src/badlink

# UTF-8 names are fine, and survive the round trip.
echo accents >"proj/src/données.py"
mkdir -p "proj/src/日本"
echo cjk >"proj/src/日本/模型.py"
ln -s "données.py" "proj/src/lien→données.py"
expect_exit 0 mlops -C proj package build
expect_exit 0 mlops package verify demo:1.0
expect_exit 0 mlops --json package unpack demo:1.0 unpacked
cmp "proj/src/données.py" "unpacked/src/données.py" || fail "src/données.py differs after unpack"
cmp "proj/src/日本/模型.py" "unpacked/src/日本/模型.py" || fail "src/日本/模型.py differs after unpack"
expect_eq "$(readlink "unpacked/src/lien→données.py")" "données.py" "the UTF-8 symlink"
expect_json "$TEST_DIR/out" '.paths | index("src/日本/模型.py") != null' true
# GNU tar reads the layer as a plain pax archive with these names.
layer=$(jq -r '.layers[] | select(.annotations["org.cncf.model.filepath"] == "src") | .digest' "$(store_blob "$(package_digest)")")
tar -tf "$(store_blob "$layer")" >names.txt 2>tar.err
expect_contains names.txt "src/日本/模型.py"
expect_not_contains tar.err "hdrcharset"
