#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers with SharpFuzz + AFL++ (Debian's afl++ package, installed by eng/bootstrap.sh):
# publishes fuzz/Trm.Fuzz, instruments Trm.Torch/Trm.Data/Trm.Tokenization with the SharpFuzz tool (dotnet-tools.json), then
# runs each target for FUZZ_SECONDS (default 20) from its seed corpus in fuzz/corpus/TARGET. Prints one line per target
# (executions, paths, crashes, hangs) and exits non-zero if any target found a crash; crashing inputs are kept under
# artifacts/fuzz/out/TARGET/default/crashes (replay one with: dotnet artifacts/fuzz/bin/Trm.Fuzz.dll TARGET FILE).
#   eng/fuzz.sh [TARGET...]        targets: safetensors torchsave npy chat gpt2 (default: all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${FUZZ_SECONDS:-20}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors torchsave npy chat gpt2)

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "fuzz: afl-fuzz not found (apt-get install afl++); skipping fuzzing" >&2
  exit 0
fi

out="artifacts/fuzz"
bin="$out/bin"
rm -rf "$bin" "$out/out"
mkdir -p "$out/out"
dotnet publish fuzz/Trm.Fuzz -c Release -o "$bin" -nologo -v quiet >"$out/publish.log" 2>&1 \
  || { cat "$out/publish.log" >&2; echo "fuzz: publish failed" >&2; exit 1; }
dotnet tool restore >/dev/null
for dll in Trm.Torch.dll Trm.Data.dll Trm.Tokenization.dll; do
  dotnet sharpfuzz "$bin/$dll" >/dev/null
done

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_NO_AFFINITY=1 AFL_QUIET=1 AFL_FORKSRV_INIT_TMOUT=60000 DOTNET_TieredPGO=0
found=0
for target in "${targets[@]}"; do
  dir="$out/out/$target"
  afl-fuzz -V "$seconds" -t 5000 -m none -i "fuzz/corpus/$target" -o "$dir" -- dotnet "$bin/Trm.Fuzz.dll" "$target" \
    >"$dir.log" 2>&1 || { tail -20 "$dir.log" >&2; echo "fuzz: afl-fuzz failed for $target" >&2; found=1; continue; }
  stats="$dir/default/fuzzer_stats"
  stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  crashes=$(find "$dir/default/crashes" -name 'id*' 2>/dev/null | wc -l)
  hangs=$(find "$dir/default/hangs" -name 'id*' 2>/dev/null | wc -l)
  echo "fuzz: $target: $(stat execs_done) execs in ${seconds}s, $(stat corpus_count) paths, $crashes crashes, $hangs hangs"
  [ "$crashes" -eq 0 ] || found=1
done
exit "$found"
