// Builds benchmarks/data/mixed-script.txt.gz: a deterministic ~1 MB text mixing English prose (tiny Shakespeare,
// GSM8K, Alpaca seed tasks), source code, numbers, and synthetic words in Cyrillic, Greek, CJK, Hangul, Arabic,
// Devanagari, Thai scripts, combining marks and emoji (pseudo-words drawn from each script's letters, so no third-party
// text in those scripts is needed). Usage: node eng/bench/make-mixed-text.mjs /work/shared/data | gzip -9 > benchmarks/data/mixed-script.txt.gz
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dataDir = process.argv[2] ?? "/work/shared/data";
let seed = 7;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rand() * n);
const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i));
const scripts = {
  cyrillic: { letters: range(0x430, 0x44f), space: " ", punct: [", ", ". "] },
  greek: { letters: range(0x3b1, 0x3c9), space: " ", punct: [", ", ". "] },
  cjk: { letters: range(0x4e00, 0x4fff), space: "", punct: ["，", "。"] },
  hangul: { letters: range(0xac00, 0xad00), space: " ", punct: [", ", ". "] },
  arabic: { letters: range(0x627, 0x64a), space: " ", punct: ["، ", ". "] },
  devanagari: { letters: range(0x915, 0x939).concat(["ा", "ि", "ी", "ु", "े", "ो", "्"]), space: " ", punct: [", ", "। "] },
  thai: { letters: range(0xe01, 0xe2e), space: "", punct: [" ", " "] },
  accents: { letters: "abcdefghijklmnopqrstuvwxyz".split("").concat(["e\u0301", "a\u0300", "o\u0308", "n\u0303", "ç", "ß", "ø"]), space: " ", punct: [", ", ". "] },
  emoji: { letters: ["😀", "🎉", "👍🏽", "❤️", "🚀", "🇫🇷", "👨‍👩‍👧", "✨", "🔥", "🤖"], space: " ", punct: ["! ", " "] },
};
function passage(script) {
  const s = scripts[script];
  let out = "";
  const words = 20 + int(60);
  for (let w = 0; w < words; w++) {
    const len = 1 + int(script === "emoji" ? 2 : 7);
    for (let k = 0; k < len; k++) out += s.letters[int(s.letters.length)];
    out += rand() < 0.12 ? s.punct[int(s.punct.length)] : s.space;
  }
  return out + "\n\n";
}
const shakespeare = readFileSync(join(dataDir, "tinyshakespeare/input.txt"), "utf8").split("\n\n");
const gsm = readFileSync(join(dataDir, "gsm8k/train.jsonl"), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
const seeds = readFileSync(join(dataDir, "alpaca-seed/seed_tasks.jsonl"), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
const code = [
  "public static int Add(int a, int b)\n{\n    return a + b;\n}\n\n",
  "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n\n",
  "for (let i = 0; i < xs.length; i++) {\n\tif (xs[i] !== undefined) total += xs[i] * 0.5;\n}\n\n",
  "SELECT id, name FROM users WHERE created_at >= '2024-01-01' ORDER BY id DESC LIMIT 100;\n\n",
  "{\"id\": 12345, \"values\": [1.5, -2.25, 3e-7], \"ok\": true, \"name\": \"x\\u00e9\"}\n\n",
];
let out = "";
const names = Object.keys(scripts);
while (out.length < 1_000_000) {
  switch (int(6)) {
    case 0: out += shakespeare[int(shakespeare.length)] + "\n\n"; break;
    case 1: { const r = gsm[int(gsm.length)]; out += r.question + "\n" + r.answer + "\n\n"; break; }
    case 2: { const r = seeds[int(seeds.length)]; out += r.instruction + "\n" + r.instances[0].output + "\n\n"; break; }
    case 3: out += code[int(code.length)]; break;
    default: out += passage(names[int(names.length)]); break;
  }
}
process.stdout.write(out);
