#!/usr/bin/env python3
"""Writes OUT/report.json and OUT/report.md from OUT/dotnet.jsonl (GpuRunner: timings and checks) and OUT/python.jsonl
(PyTorch peers: eager, torch.compile and torch.cuda.graph).

Usage: report.py OUT "title line". Standard library only (runs where torch is missing).
"""
import datetime
import json
import os
import sys


def load(path):
    if not os.path.exists(path):
        return []
    rows = []
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
    return rows


def gib(v):
    return None if v is None else v / 2**30


def main():
    out, title = sys.argv[1], sys.argv[2]
    records = load(os.path.join(out, "dotnet.jsonl"))
    dotnet = {r["Name"]: r for r in records if "MedianUs" in r}
    checks = [{"name": r["Name"], "status": r["Status"], "detail": r.get("Detail", "")} for r in records if "Status" in r]
    info = [(r["Info"], r["Value"]) for r in records if "Info" in r]
    python, python_errors = {}, []
    for r in load(os.path.join(out, "python.jsonl")):
        if "error" in r:
            python_errors.append(r)
        elif "median_us" in r:
            python.setdefault(r["name"], {})[r.get("mode", "eager")] = r
    rows = []
    for name in list(dotnet) + [n for n in python if n not in dotnet]:
        d = dotnet.get(name)
        p = python.get(name, {})
        eager = p.get("eager") or p.get("graph")  # CUDA-graph rows: the peer's torch.cuda.graph capture
        comp = p.get("compile", {})
        rows.append({
            "name": name,
            "trm_median_us": d["MedianUs"] if d else None,
            "trm_peak_allocated_bytes": d.get("PeakAllocatedBytes") if d else None,
            "trm_peak_reserved_bytes": d.get("PeakReservedBytes") if d else None,
            "torch_eager_median_us": eager.get("median_us") if eager else None,
            "torch_eager_peak_bytes": eager.get("peak_bytes") if eager else None,
            "torch_compile_median_us": comp.get("median_us"),
            "torch_compile_peak_bytes": comp.get("peak_bytes"),
        })
    summary = {s: sum(1 for c in checks if c["status"] == s) for s in ("PASS", "FAIL", "SKIP")}
    report = {"title": title, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "info": dict(info), "checks_summary": summary, "checks": checks, "rows": rows, "python_errors": python_errors}
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    fmt = lambda v, spec=".1f": "n/a" if v is None else format(v, spec)
    lines = [f"# {title}", "", f"Date: {report['date']}", "",
             f"Checks: {summary['PASS']} passed, {summary['FAIL']} failed, {summary['SKIP']} skipped.", "",
             "## Machine and build (GpuRunner)", "", "| item | value |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in info]
    lines += ["", "## Checks (GpuRunner)", "", "| check | status | detail |", "| --- | --- | --- |"]
    lines += [f"| {c['name']} | {c['status']} | {c['detail']} |" for c in checks]
    lines += [""]
    if python_errors:
        lines += ["## PyTorch peer errors", ""] + [f"- {e['name']}: {e['error']}" for e in python_errors] + [""]
    table = ["## Side by side (median microseconds; peak allocated GiB over the timed calls)", "",
             "PyTorch eager column: plain eager for eager rows, `torch.cuda.graph` for the \"(CUDA graph ...)\" rows.", "",
             "| workload | Trm.Torch us | Trm.Torch peak GiB | PyTorch eager us | eager peak GiB | PyTorch compile us | compile peak GiB | eager / Trm.Torch |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        t, e = r["trm_median_us"], r["torch_eager_median_us"]
        ratio = f"{e / t:.2f}x" if t and e else "n/a"
        table.append(f"| {r['name']} | {fmt(t)} | {fmt(gib(r['trm_peak_allocated_bytes']), '.2f')} | {fmt(e)} | "
                     f"{fmt(gib(r['torch_eager_peak_bytes']), '.2f')} | {fmt(r['torch_compile_median_us'])} | "
                     f"{fmt(gib(r['torch_compile_peak_bytes']), '.2f')} | {ratio} |")
    lines += table
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"checks: {summary}")
    print("\n".join(table))


if __name__ == "__main__":
    main()
