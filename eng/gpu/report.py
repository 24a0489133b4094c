#!/usr/bin/env python3
"""Writes OUT/report.json and OUT/report.md from OUT/dotnet.jsonl (GpuRunner) and OUT/python.jsonl (PyTorch peers).

Usage: report.py OUT "title line". Standard library only (runs where torch is missing).
"""
import datetime
import json
import os
import sys


def load(path):
    if not os.path.exists(path):
        return []
    return [json.loads(line) for line in open(path) if line.strip()]


def main():
    out, title = sys.argv[1], sys.argv[2]
    dotnet = {r["Name"]: r for r in load(os.path.join(out, "dotnet.jsonl"))}
    python = {}
    for r in load(os.path.join(out, "python.jsonl")):
        python.setdefault(r["name"], {})[r.get("mode", "eager")] = r
    checks_md = open(os.path.join(out, "dotnet.md")).read() if os.path.exists(os.path.join(out, "dotnet.md")) else ""
    rows = []
    for name in list(dotnet) + [n for n in python if n not in dotnet]:
        d = dotnet.get(name)
        p = python.get(name, {})
        rows.append({
            "name": name,
            "trm_median_us": d["MedianUs"] if d else None,
            "torch_eager_median_us": p.get("eager", {}).get("median_us"),
            "torch_compile_median_us": p.get("compile", {}).get("median_us"),
        })
    report = {"title": title, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), "rows": rows}
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    fmt = lambda v: "n/a" if v is None else f"{v:.1f}"
    lines = [f"# {title}", "", f"Date: {report['date']}", "", "## Checks and timings (GpuRunner)", "", checks_md.strip(), "",
             "## Side by side (median microseconds)", "",
             "| workload | Trm.Torch | PyTorch eager | PyTorch compile | eager / Trm.Torch |", "| --- | ---: | ---: | ---: | ---: |"]
    for r in rows:
        t, e = r["trm_median_us"], r["torch_eager_median_us"]
        ratio = f"{e / t:.2f}x" if t and e else "n/a"
        lines.append(f"| {r['name']} | {fmt(t)} | {fmt(e)} | {fmt(r['torch_compile_median_us'])} | {ratio} |")
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines[-len(rows) - 2:]))


if __name__ == "__main__":
    main()
