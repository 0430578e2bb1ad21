#!/usr/bin/env bash
# `mlops check --format md|junit|json`: a GitHub Markdown table with a summary line first, JUnit XML that a real XML parser accepts (names with XML's special characters), the JSON document; expressions in the `exp list --filter` language as gates.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
printf 'gates:\n  metrics.accuracy: {min: 0.9}\n' >>mlops.yaml
git commit -qam gates
expect_exit 0 mlops exp run -n r -- sh -c 'echo "{\"accuracy\": 0.95, \"loss\": 0.4}" > metrics.json'
expect_exit 1 mlops check --format junit 'metrics.loss < 0.3 and params.optimizer = "sgd"'
python3 - "$TEST_DIR/out" <<'PY' || fail "invalid JUnit XML"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suite = root.find("testsuite")
assert suite.get("tests") == "2" and suite.get("failures") == "1", suite.attrib
cases = suite.findall("testcase")
assert len(cases) == 2
assert cases[0].find("failure") is None
assert cases[1].find("failure") is not None
assert 'metrics.loss < 0.3 and params.optimizer = "sgd"' == cases[1].get("name"), cases[1].get("name")
PY
expect_exit 1 mlops check --format md 'metrics.loss < 0.3'
head -1 "$TEST_DIR/out" | grep -q 'gates failed' || fail "no summary line first"
expect_contains "$TEST_DIR/out" "| Gate | Value |"
expect_contains "$TEST_DIR/out" "| metrics.loss < 0.3 |"
# Every table row has as many cells as the header.
awk -F'|' '/^\|/ { if (n == 0) n = NF; else if (NF != n) exit 1 }' "$TEST_DIR/out" || fail "ragged Markdown table"
expect_exit 0 mlops check --format json 'metrics.loss < 0.5' 'params.lr = 0.1'
expect_json "$TEST_DIR/out" '.passed' true
expect_json "$TEST_DIR/out" '.gates | length' 3
expect_json "$TEST_DIR/out" '.gates[1].kind' expression
# A bad expression is a usage error at its column.
expect_exit 2 mlops check 'metrics.loss <'
expect_contains "$TEST_DIR/err" "column"
