#!/usr/bin/env bash
# A report of 1,000 runs stays within GitHub's 65,536-character comment limit: whole rows only, with a note saying what was left out; the step summary gets the same Markdown.
# shellcheck source-path=SCRIPTDIR source=harness.sh
. "$(dirname "$0")/harness.sh"

exp_repo repo
cd repo
# 1,000 run records written straight into git (exp run would take minutes): the
# record format of docs/formats.md, through git plumbing.
base=$(git rev-parse HEAD)
python3 - "$base" <<'PY' | git fast-import --quiet
import json, sys
base = sys.argv[1]
alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
for i in range(1000):
    rid = "01J" + "0" * 7 + "".join(alphabet[(i >> (5 * k)) & 31] for k in range(16))[::-1]
    name = "run-%04d" % i
    run = {"schema": 1, "id": rid, "name": name, "status": "completed", "argv": ["true"], "exit_code": 0, "signal": 0,
           "baseline": base, "snapshot": base, "dirty": False, "started": "2026-01-01T00:00:00Z", "ended": "2026-01-01T00:00:01Z",
           "duration": 1.0, "host": "h", "user": "u", "os": "linux", "tool_version": "0", "cwd": "", "tags": [], "note": "",
           "sweep": None, "warnings": [], "logs": {"stdout_truncated": False, "stderr_truncated": False}}
    params = {"lr": 0.001 * i, "depth": i % 7, "optimizer": "sgd-with-a-rather-long-name"}
    metrics = {m: {"last": 0.5 + i / 4000, "min": 0.5, "max": 0.9, "step": 0, "count": 1} for m in ("accuracy", "loss", "f1")}
    files = {"run.json": run, "params.json": params, "metrics.json": metrics, "artifacts.json": []}
    summary = json.dumps(dict(run, params=params, metrics=metrics, artifacts=[]), sort_keys=True, separators=(",", ":"))
    print("commit refs/mlops/exps/%s" % rid)
    print("committer mlops <m@example.com> 1767225600 +0000")
    msg = "mlops run %s: completed\n\nRun-Id: %s\nMlops-Run: %s\n" % (name, rid, summary)
    print("data %d" % len(msg.encode())); print(msg)
    print("from %s" % base)
    for path, doc in files.items():
        text = json.dumps(doc, sort_keys=True)
        print("M 100644 inline %s" % path); print("data %d" % len(text.encode())); print(text)
    print()
PY
expect_exit 0 mlops --json exp list --all
expect_json "$TEST_DIR/out" 'length' 1000
mapfile -t runs < <(jq -r '.[].name' "$TEST_DIR/out")
GITHUB_STEP_SUMMARY="$TEST_DIR/summary.md" expect_exit 0 mlops report "${runs[@]}" --against run-0000
size=$(wc -c <"$TEST_DIR/out")
[ "$size" -le 65536 ] || fail "report of 1,000 runs is $size bytes"
expect_contains "$TEST_DIR/out" "more rows of metrics not shown"
awk -F'|' '/^\|/ { if (!t) { n = NF; t = 1 } else if (NF != n) exit 1; next } { t = 0 }' "$TEST_DIR/out" || fail "malformed Markdown table"
tail -n 1 "$TEST_DIR/out" | grep -q '^_' || fail "does not end with a note"
cmp -s <(printf '%s' "$(cat "$TEST_DIR/out")") <(printf '%s' "$(cat "$TEST_DIR/summary.md")") || fail "the step summary differs from the report"
