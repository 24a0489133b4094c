#!/usr/bin/env bash
# Times GPT-2 tokenization of Trm.Tokenization (BenchmarkDotNet) and of npm tiktoken (WASM) on the same texts, one core
# each, in one run, and prints MB/s of both and the ratio.
#   eng/bench/run-tokenizer.sh            # single-thread Encode + EncodeNoCache vs tiktoken
#   BENCH_ALL=1 eng/bench/run-tokenizer.sh  # every TokenizerBenchmarks case (adds count, batch, decode)
# Two comparisons are printed: wall clock (BenchmarkDotNet median vs tiktoken median) and CPU time (process CPU time
# per pass, both sides measured the same way), which stays meaningful when other jobs share the cores.
# tiktoken is installed outside the repository (TOKREF, default /tmp/tokref) when missing. Both sides are pinned to
# one CPU core with taskset when it is available (BENCH_CPU, default 0).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
TOKREF=${TOKREF:-/tmp/tokref}
CPU=${BENCH_CPU:-0}
OUT=${BENCH_OUT:-$ROOT/artifacts/bench-tokenizer}
FILES=(tests/Trm.Tokenization.Tests/Data/tinyshakespeare/input.txt.gz benchmarks/data/mixed-script.txt.gz)
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c "$CPU"); fi

if [ ! -d "$TOKREF/node_modules/tiktoken" ]; then
  echo "Installing npm tiktoken into $TOKREF (outside the repository)..." >&2
  mkdir -p "$TOKREF"
  (cd "$TOKREF" && npm init -y >/dev/null && npm install --no-audit --no-fund tiktoken@1.0.22 >/dev/null)
fi
mkdir -p "$OUT"

echo "== machine: $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores; node $(node --version); $(dotnet --version | sed 's/^/.NET SDK /')" | tee "$OUT/machine.txt"

run_tiktoken() {
  echo "== tiktoken (npm, WASM), one core ($1)" >&2
  NODE_PATH="$TOKREF/node_modules" "${PIN[@]}" node eng/bench/tiktoken-bench.mjs "${FILES[@]}" | tee "$OUT/tiktoken-$1.jsonl"
}
# tiktoken runs before and after BenchmarkDotNet; its better result of the two is the one compared (on a busy
# machine this favours tiktoken, never us).
rm -f "$OUT"/tiktoken-*.jsonl
run_tiktoken before

echo "== Trm.Tokenization (eng/bench/TokenizerCpuBench.cs: wall clock and CPU time), one core" >&2
"${PIN[@]}" dotnet run -c Release eng/bench/TokenizerCpuBench.cs -- "${FILES[@]}" | tee "$OUT/trm-cpu.jsonl"

echo "== Trm.Tokenization (BenchmarkDotNet), one core" >&2
FILTER=('*TokenizerBenchmarks.Encode' '*TokenizerBenchmarks.EncodeNoCache')
if [ "${BENCH_ALL:-0}" = 1 ]; then FILTER=('*TokenizerBenchmarks*'); fi
"${PIN[@]}" dotnet run -c Release --project benchmarks/Trm.Benchmarks -- \
  --filter "${FILTER[@]}" --exporters json --artifacts "$OUT/bdn" ${BENCH_ARGS:-} | tee "$OUT/bdn.log" | grep -E '^\|' || true
run_tiktoken after

node - "$OUT" <<'JS'
const fs = require("fs"), path = require("path");
const out = process.argv[2];
const tik = {};
for (const f of ["tiktoken-before.jsonl", "tiktoken-after.jsonl"]) {
  for (const l of fs.readFileSync(path.join(out, f), "utf8").trim().split("\n")) {
    const r = JSON.parse(l);
    const best = tik[r.name] ?? r;
    tik[r.name] = { ...best, mbPerSecond: Math.max(best.mbPerSecond, r.mbPerSecond), cpuMBps: Math.max(best.cpuMBps, r.cpuMBps) };
  }
}
const names = { tinyshakespeare: "input.txt", "mixed-script": "mixed-script.txt" };
const dir = path.join(out, "bdn", "results");
const file = fs.readdirSync(dir).find((f) => f.includes("TokenizerBenchmarks") && f.endsWith(".json"));
const report = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
console.log("\nWall clock: MB/s = UTF-8 bytes / median time of one whole-text pass (BenchmarkDotNet); tiktoken: best of its two runs.");
console.log("\n| text | bytes | tiktoken MB/s | benchmark | Trm MB/s | ratio |\n| --- | ---: | ---: | --- | ---: | ---: |");
for (const b of report.Benchmarks) {
  const corpus = b.Parameters.match(/Corpus=([\w-]+)/)[1];
  const t = tik[names[corpus]];
  const mbps = t.bytes / (b.Statistics.Median / 1e9) / 1e6;
  console.log(`| ${corpus} | ${t.bytes} | ${t.mbPerSecond.toFixed(2)} | ${b.Method} | ${mbps.toFixed(2)} | ${(mbps / t.mbPerSecond).toFixed(2)}× |`);
}
console.log("\nCPU time: MB/s = UTF-8 bytes / median process CPU time of one whole-text pass; tiktoken: best of its two runs.");
console.log("\n| text | tiktoken tokens | Trm tokens | tiktoken MB/s | benchmark | Trm MB/s | ratio |\n| --- | ---: | ---: | ---: | --- | ---: | ---: |");
for (const l of fs.readFileSync(path.join(out, "trm-cpu.jsonl"), "utf8").trim().split("\n")) {
  const r = JSON.parse(l);
  const t = tik[r.name];
  console.log(`| ${r.name} | ${t.tokens} | ${r.tokens} | ${t.cpuMBps.toFixed(2)} | ${r.mode} | ${r.cpuMBps.toFixed(2)} | ${(r.cpuMBps / t.cpuMBps).toFixed(2)}× |`);
}
JS
