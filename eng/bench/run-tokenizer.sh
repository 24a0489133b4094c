#!/usr/bin/env bash
# Times GPT-2 tokenization of Trm.Tokenization (BenchmarkDotNet) and of npm tiktoken (WASM) on the same texts, one core
# each, in one run, and prints MB/s of both and the ratio.
#   eng/bench/run-tokenizer.sh            # single-thread Encode + EncodeNoCache vs tiktoken
#   BENCH_ALL=1 eng/bench/run-tokenizer.sh  # every TokenizerBenchmarks case (adds count, batch, decode)
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

echo "== tiktoken (npm, WASM), one core" >&2
NODE_PATH="$TOKREF/node_modules" "${PIN[@]}" node eng/bench/tiktoken-bench.mjs "${FILES[@]}" | tee "$OUT/tiktoken.jsonl"

echo "== Trm.Tokenization (BenchmarkDotNet), one core" >&2
FILTER=('*TokenizerBenchmarks.Encode' '*TokenizerBenchmarks.EncodeNoCache')
if [ "${BENCH_ALL:-0}" = 1 ]; then FILTER=('*TokenizerBenchmarks*'); fi
"${PIN[@]}" dotnet run -c Release --project benchmarks/Trm.Benchmarks -- \
  --filter "${FILTER[@]}" --exporters json --artifacts "$OUT/bdn" ${BENCH_ARGS:-} | tee "$OUT/bdn.log" | grep -E '^\|' || true

node - "$OUT" <<'JS'
const fs = require("fs"), path = require("path");
const out = process.argv[2];
const tik = Object.fromEntries(fs.readFileSync(path.join(out, "tiktoken.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).map((r) => [r.name, r]));
const names = { tinyshakespeare: "input.txt", "mixed-script": "mixed-script.txt" };
const dir = path.join(out, "bdn", "results");
const file = fs.readdirSync(dir).find((f) => f.includes("TokenizerBenchmarks") && f.endsWith(".json"));
const report = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
console.log("\n| text | bytes | tiktoken MB/s | benchmark | Trm MB/s | ratio |\n| --- | ---: | ---: | --- | ---: | ---: |");
for (const b of report.Benchmarks) {
  const corpus = b.Parameters.match(/Corpus=([\w-]+)/)[1];
  const t = tik[names[corpus]];
  const mbps = t.bytes / (b.Statistics.Mean / 1e9) / 1e6;
  console.log(`| ${corpus} | ${t.bytes} | ${t.mbPerSecond.toFixed(2)} | ${b.Method} | ${mbps.toFixed(2)} | ${(mbps / t.mbPerSecond).toFixed(2)}× |`);
}
JS
