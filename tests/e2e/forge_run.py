#!/usr/bin/python3
"""Forges a run commit from an existing one, for scenarios about hostile or damaged records
(what `mlops exp pull` may receive from anyone's repository). Run inside the repository.

usage: forge_run.py BASE_COMMIT NEW_ID [options]  -> prints the new commit's id
  --set KEY=JSON        change a run.json field (the id is set to NEW_ID unless --keep-id)
  --keep-id             leave run.json's id alone
  --file PATH=SOURCE    replace (or add) PATH in the run tree (logs/stdout works) with SOURCE's bytes
  --trailer TEXT        the Mlops-Run summary line as given (default: computed like mlops)
  --no-trailer          no Mlops-Run summary: readers must use the files
  --parent COMMIT       the commit's parent (default: BASE_COMMIT's parents)
"""
import json
import subprocess
import sys


def git(*args, data=None):
    return subprocess.run(["git", *args], input=data, capture_output=True, check=True).stdout


def blob(data):
    return git("hash-object", "-w", "--stdin", data=data).decode().strip()


def write_tree(entries):  # {name: (mode, type, id)}
    text = "".join(f"{m} {t} {i}\t{n}\n" for n, (m, t, i) in sorted(entries.items()))
    return git("mktree", data=text.encode()).decode().strip()


def read_tree(tree):
    out = {}
    for line in git("ls-tree", tree).decode().splitlines():
        meta, name = line.split("\t", 1)
        mode, typ, oid = meta.split()
        out[name] = (mode, typ, oid)
    return out


def main():
    base, new_id, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    sets, files, trailer, parents, keep_id = {}, {}, None, None, False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--keep-id":
            keep_id = True
        elif a == "--no-trailer":
            trailer = ""
        else:
            i += 1
            v = args[i]
            if a == "--set":
                k, j = v.split("=", 1)
                sets[k] = json.loads(j)
            elif a == "--file":
                p, src = v.split("=", 1)
                files[p] = open(src, "rb").read()
            elif a == "--trailer":
                trailer = v
            elif a == "--parent":
                parents = [v]
        i += 1
    run = json.loads(git("show", f"{base}:run.json"))
    if not keep_id:
        run["id"] = new_id
    run.update(sets)
    files.setdefault("run.json", (json.dumps(run, indent=2, sort_keys=True) + "\n").encode())
    entries = read_tree(f"{base}^{{tree}}")
    for path, data in files.items():
        if "/" in path:
            d, name = path.split("/", 1)
            sub = read_tree(entries[d][2]) if d in entries else {}
            sub[name] = ("100644", "blob", blob(data))
            entries[d] = ("040000", "tree", write_tree(sub))
        else:
            entries[path] = ("100644", "blob", blob(data))
    tree = write_tree(entries)
    if trailer is None:
        summary = dict(run)
        for name in ("params", "metrics", "artifacts"):
            summary[name] = json.loads(git("show", f"{base}:{name}.json"))
        trailer = json.dumps(summary, sort_keys=True, separators=(",", ":"))
    message = f"mlops run forged: {run.get('status')}\n\nRun-Id: {new_id}\n"
    if trailer:
        message += f"Mlops-Run: {trailer}\n"
    if parents is None:
        parents = git("log", "-1", "--format=%P", base).decode().split()
    args = ["commit-tree", tree]
    for p in parents:
        args += ["-p", p]
    print(git(*args, data=message.encode()).decode().strip())


main()
