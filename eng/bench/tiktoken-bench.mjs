// Times npm tiktoken (WASM build of OpenAI's tiktoken, encoding "gpt2") on one core, on the same texts as
// benchmarks/Trm.Benchmarks/TokenizerBenchmarks.cs. Usage (tiktoken installed outside the repo):
//   NODE_PATH=/tmp/tokref/node_modules node eng/bench/tiktoken-bench.mjs FILE... 
// Files ending in .gz are decompressed. Prints one JSON line per file: {name, bytes, tokens, seconds, mbPerSecond}.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { basename } from "node:path";

const require = createRequire(import.meta.url);
const { get_encoding } = require("tiktoken");
const enc = get_encoding("gpt2");
const minSeconds = Number(process.env.BENCH_MIN_SECONDS ?? "3");

for (const file of process.argv.slice(2)) {
  let raw = readFileSync(file);
  if (file.endsWith(".gz")) raw = gunzipSync(raw);
  const text = raw.toString("utf8");
  const bytes = Buffer.byteLength(text, "utf8");
  let tokens = enc.encode_ordinary(text).length; // warm-up
  enc.encode_ordinary(text);
  // Repeat whole-text encodes until minSeconds have passed; report the median pass.
  const times = [];
  const start = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - start) / 1e9 < minSeconds || times.length < 5) {
    const t0 = process.hrtime.bigint();
    tokens = enc.encode_ordinary(text).length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  const seconds = times[Math.floor(times.length / 2)];
  console.log(JSON.stringify({ name: basename(file).replace(/\.gz$/, ""), bytes, tokens, passes: times.length, seconds, mbPerSecond: bytes / seconds / 1e6 }));
}
enc.free();
