#!/usr/bin/python3
"""Writes a `git fast-import` stream with N experiment runs in mlops' format (docs/formats.md,
"Experiments"): per run a commit under refs/mlops/exps/<ULID> whose parent is the baseline
(a clean workspace, so the snapshot is HEAD itself), whose message ends with the Mlops-Run
summary trailer, and whose tree holds run.json, params.json, metrics.json, artifacts.json,
series/ and logs/. Used by bench/exp-list to
create 10,000 runs in seconds instead of running `mlops exp run` 10,000 times.

usage: make-runs.py N BASELINE_SHA [STEPS] > stream   (STEPS: points of series/loss.tsv, default 10)
"""
import json
import random
import sys
import time

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(ms: int, rnd: int) -> str:
    value = (ms << 80) | rnd
    return "".join(ALPHABET[(value >> (5 * (25 - i))) & 31] for i in range(26))


def blob(data: str) -> bytes:
    raw = data.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def main() -> None:
    n, baseline = int(sys.argv[1]), sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    rng = random.Random(42)
    out = sys.stdout.buffer
    start_ms = int(time.time() * 1000) - n * 1000
    for i in range(n):
        ms = start_ms + i * 1000
        run_id = ulid(ms, rng.getrandbits(80))
        started = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".000Z"
        params = {"seed": i, "model.lr": rng.choice([0.1, 0.01, 0.001]), "model.depth": rng.randint(2, 12),
                  "model.type": rng.choice(["rf", "gbm", "mlp"]), "data.n_samples": 2000, "data.test_size": 0.2}
        metrics = {k: {"last": v, "min": v * 0.9, "max": v, "step": steps - 1, "count": steps}
                   for k, v in (("accuracy", rng.random()), ("f1", rng.random()), ("loss", rng.random()))}
        run = {"schema": 1, "id": run_id, "name": f"run-{i}", "status": "completed", "argv": ["python3", "train.py"],
               "exit_code": 0, "signal": 0, "baseline": baseline, "snapshot": baseline, "dirty": False,
               "started": started, "ended": started, "duration": 1.5, "host": "bench", "user": "bench",
               "os": "Linux", "tool_version": "0.1.0", "cwd": "", "tags": ["bench"] if i % 10 == 0 else [],
               "note": "", "sweep": None, "warnings": [], "logs": {"stdout_truncated": False, "stderr_truncated": False}}
        files = {
            "run.json": json.dumps(run, indent=2, sort_keys=True) + "\n",
            "params.json": json.dumps(params, indent=2, sort_keys=True) + "\n",
            "metrics.json": json.dumps(metrics, indent=2, sort_keys=True) + "\n",
            "artifacts.json": "[]\n",
            "series/loss.tsv": "step\ttime\tvalue\n" + "".join(f"{s}\t{ms / 1000 + s:.3f}\t{rng.random()}\n" for s in range(steps)),
            "logs/stdout": f"epoch 9 accuracy {metrics['accuracy']['last']}\n",
            "logs/stderr": "",
        }
        out.write(f"commit refs/mlops/exps/{run_id}\n".encode())
        out.write(f"committer bench <bench@example.com> {ms // 1000} +0000\n".encode())
        summary = dict(run, params=params, metrics=metrics, artifacts=[])
        out.write(blob(f"mlops run run-{i}: completed\n\nRun-Id: {run_id}\n"
                       f"Mlops-Run: {json.dumps(summary, sort_keys=True, separators=(',', ':'))}\n"))
        out.write(f"from {baseline}\n".encode())
        for path, content in files.items():
            out.write(f"M 100644 inline {path}\n".encode())
            out.write(blob(content))
        out.write(b"\n")


if __name__ == "__main__":
    main()
