// Generates the GPT-2 golden file used by tests/Trm.Tokenization.Tests (GoldenParityTests).
// Reference encoder: npm `tiktoken` (the WASM build of OpenAI's tiktoken), encoding "gpt2".
// Install it OUTSIDE the repository, then run, e.g.:
//   mkdir -p /tmp/tokref && (cd /tmp/tokref && npm init -y && npm install tiktoken)
//   NODE_PATH=/tmp/tokref/node_modules node eng/golden/make-gpt2-golden.mjs /work/shared/data \
//     | gzip -9 > tests/Trm.Tokenization.Tests/Data/gpt2-golden.jsonl.gz
// Output: one JSON object per line: {"source", "text" | "u16" (hex UTF-16 code units, for lone surrogates),
// "special" ("none" | "all"), "ids"}.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const { get_encoding } = require("tiktoken");
const enc = get_encoding("gpt2");
const dataDir = process.argv[2] ?? "/work/shared/data";

// Deterministic PRNG (mulberry32) so the file is reproducible.
let seed = 20261123;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (arr) => arr[Math.floor(rand() * arr.length)];

function hasLoneSurrogate(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function emit(source, text, special = "none") {
  const ids = special === "all" ? enc.encode(text, "all") : enc.encode_ordinary(text);
  const rec = { source };
  if (hasLoneSurrogate(text)) {
    rec.u16 = Array.from({ length: text.length }, (_, i) => text.charCodeAt(i).toString(16).padStart(4, "0")).join("");
  } else {
    rec.text = text;
  }
  rec.special = special;
  rec.ids = Array.from(ids);
  process.stdout.write(JSON.stringify(rec) + "\n");
}

// 1. Hand-written cases: every pre-tokenizer rule and Unicode class boundary we know of.
const cases = [
  "Hello, world!", "Hello world", " Hello", "  Hello", "   Hello  ", "Hello   ", "\tHello", "\n\nHello\n\n",
  "The quick brown fox jumps over the lazy dog.", "I'm here, you're there, we've been, he'll go, she'd say, it's ok, don't.",
  "I'M HERE, YOU'RE THERE, WE'VE BEEN, HE'LL GO, SHE'D SAY, IT'S OK, DON'T.", "'S 'T 'RE 'VE 'M 'LL 'D", "'s't're've'm'll'd",
  "''s", "'''", "x'sy", "rock'n'roll", "O'Neil's", " 's", "'", "' ", " '", "'re'", "'\u2019s", "it\u2019s", "l'été",
  "3.14159", "1,000,000", "123456789012345678901234567890", "2026-11-23T18:42:13Z", "v1.2.3-beta+build.7", "0x7FFF_FFFF",
  "$1.50 + €2.30 = £3.80", "100%", "-42", "1e-9", "½ ¾ ² ³ ¹ Ⅻ ⅻ ① ⑳ ٣٤٥ ०१२ ௰", "x² + y² = z²",
  "def f(x):\n    return x * 2\n", "int main() {\n\treturn 0;\n}\n", "if (a != b && c <= d) { e++; }", "<div class=\"a\">b</div>",
  "#!/bin/bash\necho \"$HOME\" | tr a-z A-Z\n", "SELECT * FROM t WHERE x = 'y';", "a\r\nb\r\n\r\nc", "\r\n", "\r\n\r\n", "a \r\n b",
  "tab\tseparated\tvalues", "\t\t\tindent", "a  b   c    d", " ", "  ", "   ", "\n", "\n\n\n", " \n ", "\n \n", "x \n y", "x\n\ny",
  "trailing spaces   ", "  leading", "           many spaces           between            ", " ".repeat(200), "\n".repeat(50), "a" + " ".repeat(1000) + "b",
  "😀", "😀😃😄", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷🇯🇵", "I ❤️ NY", "emoji😀inline", " 😀 spaced 😀 ", "🎉🎉🎉 party",
  "日本語のテキスト", "中文文本，标点符号。", "한국어 텍스트", "Привет, мир!", "Γειά σου Κόσμε", "שלום עולם", "مرحبا بالعالم", "नमस्ते दुनिया", "สวัสดีชาวโลก",
  "e\u0301", "Cafe\u0301 na\u0308ive", "Café naïve", "ﬁ ﬂ", "Å Å", "a\u0300\u0301\u0302\u0303b", "\u0301start", "Z\u0351\u0352\u0357\u0358a\u035b\u0346l\u0336g\u0337o",
  "mixed English 日本語 and Ελληνικά and русский 123 ٤٥٦", "ABCdefGHI", "camelCaseIdentifier", "snake_case_identifier", "SCREAMING_CASE",
  "\u00a0nbsp\u00a0", "a\u00a0\u00a0b", "ideographic\u3000space", "line\u2028sep", "para\u2029sep", "ogham\u1680space", "mongolian\u180evowel",
  "zero\u200bwidth", "bom\ufefftext", "nel\u0085char", "\u001c\u001d\u001e\u001f", "a\u001fb", "\u000b\u000c", "a\u000bb\u000cc", "thin\u2009space", "\u202f\u205f",
  "ǅungla ǈ ǋ", "ʰʲʷ ˀ", "ʼn", "𝐀𝐁𝐂 𝟎𝟏𝟐", "𐍈𐌰𐌹", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\ud800", "\udc00", "a\ud800b", "a\udc00b", "\ud83d", "x\ud83d", "\ude00y", "\ud800\ud800",
  "\udc00\ud800", " \ud800", "\ud800 ", "'\ud800", "1\ud8002", "😀\ud800😀", "\ufffd", "a\ufffdb", "<|endoftext|>", "a<|endoftext|>b", "<|endoftext", "<|endoftext|><|endoftext|>",
  "\u0000", "nul\u0000char", "\u007f", "\u0080\u0081", "ÿþ", "Ā", "Ġ", "Ċ", "   \t  \n  x", "\t x", "\n x", " \t", "x \t", "!!!???...", "...", "—", "– — ―", "“quoted” ‘single’",
  "<<>>", "((()))", "a.b.c", "e.g.", "U.S.A.", "Mr. Smith's", "naïve—café", "https://example.com/path?q=1&r=two#frag", "user@example.com", "C:\\Windows\\System32",
];
for (const c of cases) emit("case", c);
for (const c of ["<|endoftext|>", "a<|endoftext|>b", " <|endoftext|> ", "<|endoftext|><|endoftext|>", "x<|endoftext", "Hello<|endoftext|>World\n<|endoftext|>"]) emit("special", c, "all");

// 2. Real text: tiny Shakespeare (lines and paragraphs), GSM8K, Alpaca seed tasks.
const shakespeare = readFileSync(join(dataDir, "tinyshakespeare/input.txt"), "utf8");
const lines = shakespeare.split("\n");
for (let i = 0; i < lines.length; i += 23) emit("shakespeare-line", lines[i]);
const paragraphs = shakespeare.split("\n\n");
for (let i = 0; i < paragraphs.length; i += 40) emit("shakespeare-paragraph", paragraphs[i] + "\n\n");
emit("shakespeare-head", shakespeare.slice(0, 20000));

const gsm = readFileSync(join(dataDir, "gsm8k/test.jsonl"), "utf8").split("\n").filter((l) => l.trim());
for (let i = 0; i < gsm.length; i += 3) {
  const r = JSON.parse(gsm[i]);
  emit("gsm8k", r.question);
  emit("gsm8k", r.answer);
}
const seeds = readFileSync(join(dataDir, "alpaca-seed/seed_tasks.jsonl"), "utf8").split("\n").filter((l) => l.trim());
for (const l of seeds) {
  const r = JSON.parse(l);
  emit("alpaca-seed", r.instruction);
  for (const inst of r.instances) {
    if (inst.input) emit("alpaca-seed", inst.input);
    emit("alpaca-seed", inst.output);
  }
}

// 3. Random strings over pools chosen to hit class boundaries (letters, numbers, marks, spaces, symbols, pairs,
//    lone surrogates) in every combination.
const pools = [
  [" ", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2028", "\u0085"],
  ["a", "Z", "é", "ß", "ж", "λ", "中", "ア", "한", "ǅ", "ʰ", "𝐀", "𐍈"],
  ["0", "7", "²", "½", "Ⅻ", "٣", "०", "𝟎"],
  ["'", "'s", "'S", "'ll", "'LL", "'re", "'ve", "'d", "'m", "'t", "'x", "’"],
  [".", ",", "!", "?", "-", "_", "(", ")", "{", "}", "<", ">", "|", "\\", "/", "#", "@", "$", "%", "^", "&", "*", "~", "`", "\""],
  ["\u0301", "\u0308", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u0000", "\u001f", "\u007f"],
  ["😀", "👍🏽", "❤️", "🇫🇷", "\ud800", "\udc00", "\ud83d", "\ufffd"],
  ["the", " the", "The", " and", "ing", " 123", "Hello", " world", "x", "y"],
];
for (let k = 0; k < 2500; k++) {
  const len = 1 + Math.floor(rand() * 24);
  let s = "";
  for (let j = 0; j < len; j++) s += pick(pick(pools));
  emit("random", s);
}
// 4. Whitespace-heavy random strings (the \s+(?!\S) rule).
const ws = [" ", "\t", "\n", "\r", "\u00a0", "\u3000", "x", "y", "1", ".", "é"];
for (let k = 0; k < 500; k++) {
  const len = 1 + Math.floor(rand() * 16);
  let s = "";
  for (let j = 0; j < len; j++) s += pick(ws);
  emit("whitespace", s);
}
enc.free();
