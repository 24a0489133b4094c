#!/usr/bin/env bash
# Measures the .NET binding against PyTorch eager on the same libtorch, same model, same thread count, in one go:
# BenchmarkDotNet (in-process) for benchmarks/Trm.Benchmarks, eng/bench/mlp_step.py for Debian's /usr/bin/python3 torch.
# Prints a table with the ratio .NET/Python (target for the MLP step: <= 1.05). Usage: eng/bench/run-cpu-overhead.sh [threads]
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS="${1:-${THREADS:-1}}"
OUT="artifacts/bench-cpu"
PY=/usr/bin/python3
rm -rf "$OUT" && mkdir -p "$OUT"

dotnet build benchmarks/Trm.Benchmarks -c Release --nologo -v q
TRM_BENCH_THREADS="$THREADS" dotnet benchmarks/Trm.Benchmarks/bin/Release/net10.0/Trm.Benchmarks.dll \
  --filter '*MlpTrainingStepBenchmarks*' '*TensorOpOverheadBenchmarks*' --exporters json --artifacts "$OUT/dotnet" > "$OUT/dotnet.log"
"$PY" eng/bench/mlp_step.py --threads "$THREADS" > "$OUT/python.jsonl"

"$PY" - "$OUT" "$THREADS" <<'PYEOF'
import glob, json, os, platform, sys
out, threads = sys.argv[1], sys.argv[2]
dotnet = {}
for path in glob.glob(os.path.join(out, "dotnet", "results", "*-report-full*.json")):
    for b in json.load(open(path))["Benchmarks"]:
        name = (b.get("MethodTitle") or b["Method"]).strip("'")
        params = b.get("Parameters") or ""
        if params.startswith("Size="):
            name = f"{name} ({params[5:]})"
        dotnet[name] = b["Statistics"]["Median"] / 1000.0  # ns -> us
python = {}
for line in open(os.path.join(out, "python.jsonl")):
    r = json.loads(line)
    python[r["name"]] = r["median_us"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"machine: {cpu}, {os.cpu_count()} cores; libtorch threads: {threads}")
print(f"{'benchmark':34} {'.NET us':>10} {'PyTorch us':>11} {'ratio':>7}")
for name in python:
    d = dotnet.get(name)
    p = python[name]
    ratio = f"{d / p:7.3f}" if d else "    n/a"
    print(f"{name:34} {d if d else float('nan'):10.2f} {p:11.2f} {ratio}")
PYEOF
