#!/usr/bin/env bash
# The learning comparison of docs/benchmarks/chat-trm.md: the recursive chat TRM against the equal-parameter plain
# transformer on tiny Shakespeare, char-level and GPT-2 tokens. For each tokenization, three runs on the same batches:
#   <tok>-trm.csv            the TRM, N steps
#   <tok>-plain.csv          the plain transformer, the same N steps (equal tokens)
#   <tok>-plain-compute.csv  the plain transformer, M steps: at least the TRM's training CPU time (equal compute;
#                            M from the per-step CPU times of a first measurement: 0.55 / 0.085 s char, 1.6 / 1.1 s GPT-2).
#                            (M = 1,400 char, 140 GPT-2; CHAT_TRM_GPT2_COMPUTE_STEPS=0 skips the GPT-2 one).
# then the curves (docs/images/chat-trm-<tok>.png). All six runs go side by side (this machine is shared and loaded;
# CPU time per step, not wall time, is what is compared). Usage: benchmarks/chat-trm/run.sh [char|gpt2 ...]
# TRM_SHAKESPEARE overrides the text (default /work/shared/data/tinyshakespeare/input.txt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
text="${TRM_SHAKESPEARE:-/work/shared/data/tinyshakespeare/input.txt}"
data=artifacts/chat-trm
results=docs/benchmarks/chat-trm
mkdir -p "$data" "$results" docs/images
dotnet build -c Release -v q benchmarks/Trm.Benchmarks
bench=(nice -n 5 dotnet benchmarks/Trm.Benchmarks/bin/Release/net10.0/Trm.Benchmarks.dll chat-learn)

# compare <tok> <N> <eval every> <M> <eval every>
compare() {
  local tok=$1 steps=$2 every=$3 long=$4 long_every=$5
  [ -f "$data/$tok/train.bin" ] || "${bench[@]}" prepare "$text" "$data/$tok" "$tok"
  "${bench[@]}" run "$data/$tok" trm "$steps" "$every" "$results/$tok-trm.csv" >"$data/$tok-trm.log" 2>&1 &
  "${bench[@]}" run "$data/$tok" plain "$steps" "$every" "$results/$tok-plain.csv" >"$data/$tok-plain.log" 2>&1 &
  local curves=("recursive TRM, $steps steps" "$results/$tok-trm.csv" "plain transformer, $steps steps" "$results/$tok-plain.csv")
  if [ "$long" -gt 0 ]; then
    "${bench[@]}" run "$data/$tok" plain "$long" "$long_every" "$results/$tok-plain-compute.csv" >"$data/$tok-plain-compute.log" 2>&1 &
    curves+=("plain transformer, $long steps" "$results/$tok-plain-compute.csv")
  fi
  wait
  "${bench[@]}" plot "docs/images/chat-trm-$tok.png" "tiny Shakespeare, $tok" "${curves[@]}"
  echo "$tok: done"
}

toks=("$@")
[ ${#toks[@]} -gt 0 ] || toks=(char gpt2)
for tok in "${toks[@]}"; do
  case $tok in
    char) compare char 200 20 1400 140 & ;;   # N: 200 × 8 × 128 = 204,800 tokens (0.20 epoch of 1,003,854)
    gpt2) long=${CHAT_TRM_GPT2_COMPUTE_STEPS:-140}
          compare gpt2 100 10 "$long" $(( (long + 9) / 10 )) & ;;   # N: 100 × 8 × 128 = 102,400 tokens (0.34 epoch of 301,966)
    *) echo "unknown tokenization '$tok' (char or gpt2)" >&2; exit 2 ;;
  esac
done
wait
