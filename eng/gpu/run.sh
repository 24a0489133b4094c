#!/usr/bin/env bash
# GPU round, on a machine with PyTorch + CUDA and no .NET SDK (the runner was published beforehand by eng/gpu/publish.sh
# into eng/gpu/out). Builds the shim against this machine's torch (with the fused kernels when nvcc is there), runs the CUDA
# checks, the TRM parity checks (float32/bf16 on the GPU against the CPU), the CUDA-graph and memory checks, the GPU
# benchmarks of Trm.Torch and of PyTorch, and writes $OUT/report.json + $OUT/report.md. Usage: eng/gpu/run.sh [--cpu] [python3]
#   --cpu: dry run without a GPU (the shim from native/build, the CPU checks and the small TRM workloads; PyTorch skipped
#          when python3 has no torch). Proves the script and the report end to end.
set -euo pipefail
cd "$(dirname "$0")/../.."
CPU=0
[ "${1:-}" = "--cpu" ] && { CPU=1; shift; }
PY="${1:-python3}"
OUT="${OUT:-artifacts/gpu}"
mkdir -p "$OUT"
[ -x eng/gpu/out/GpuRunner ] || { echo "eng/gpu/out/GpuRunner missing: run eng/gpu/publish.sh on a machine with the .NET SDK first" >&2; exit 2; }

if [ "$CPU" = 1 ]; then
  LIB=native/build/libtrm_native.so
  [ -f "$LIB" ] || { cmake -S native -B native/build -DCMAKE_BUILD_TYPE=Release > "$OUT/cmake.log" && cmake --build native/build -j 2 >> "$OUT/cmake.log"; }
  set +e
  TRM_NATIVE_LIB="$PWD/$LIB" eng/gpu/out/GpuRunner --cpu --json "$OUT/dotnet.jsonl" 2> "$OUT/dotnet.log" | tee "$OUT/dotnet.md"
  RC=${PIPESTATUS[0]}
  set -e
  if "$PY" -c 'import torch' 2>/dev/null; then "$PY" benchmarks/trm_torch_bench.py --device cpu --small-only > "$OUT/python.jsonl"; else : > "$OUT/python.jsonl"; fi
  "$PY" eng/gpu/report.py "$OUT" "CPU dry run (no GPU): small TRM workloads on the CPU; PyTorch peers only if torch is importable"
  exit "$RC"
fi

TORCH_PREFIX="$("$PY" -c 'import torch;print(torch.utils.cmake_prefix_path)')"
TORCH_ROOT="$("$PY" -c 'import os,torch;print(os.path.dirname(torch.__file__))')"
"$PY" -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda, "gpu", torch.cuda.get_device_name(0))'
BUILD=native/build-gpu
LIB="$BUILD/libtrm_native.so"

# 1. The shim: CMake against this torch when it configures (needs cmake + a CUDA toolkit), else a direct g++ build that takes
#    CUDA headers from the pip nvidia-* packages. Both compile the fused kernels (native/src/kernels.cu) for sm_90 when an nvcc
#    is found (PATH, /usr/local/cuda/bin, the pip nvidia-cuda-nvcc package); without one the shim runs the unfused fallbacks.
NVCC="$(command -v nvcc || true)"
for c in /usr/local/cuda/bin/nvcc "$("$PY" -c 'import os,nvidia;print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null)"/nvidia/cuda_nvcc/bin/nvcc; do
  [ -z "$NVCC" ] && [ -x "$c" ] && NVCC="$c"
done
echo "nvcc: ${NVCC:-none} $([ -n "$NVCC" ] && "$NVCC" --version | tail -1)"
CMAKE_CUDA=()
[ -n "$NVCC" ] && CMAKE_CUDA=(-DCMAKE_CUDA_COMPILER="$NVCC" -DCMAKE_CUDA_ARCHITECTURES=90)
if command -v cmake >/dev/null && cmake -S native -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$TORCH_PREFIX/Torch" "${CMAKE_CUDA[@]}" > "$OUT/cmake.log" 2>&1 \
   && cmake --build "$BUILD" -j "$(nproc)" >> "$OUT/cmake.log" 2>&1 && grep -q "CUDA entry points: ON" "$OUT/cmake.log"; then
  echo "shim: built with CMake ($(grep -o 'fused CUDA kernels: [A-Z]*' "$OUT/cmake.log"))"
else
  echo "shim: CMake unavailable or failed (see $OUT/cmake.log); building with g++ directly"
  mkdir -p "$BUILD/obj"
  rm -f "$BUILD"/obj/*.o
  ABI="$("$PY" -c 'import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
  NVROOT="$("$PY" -c 'import os,nvidia;print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null || true)"
  INCLUDES=(-I"$TORCH_ROOT/include" -I"$TORCH_ROOT/include/torch/csrc/api/include")
  for d in "$NVROOT"/nvidia/*/include /usr/local/cuda/include; do
    [ -d "$d" ] && INCLUDES+=(-I"$d")
  done
  # ProcessGroupGloo.hpp is empty unless torch's own USE_C10D_GLOO is defined (CMake gets it from the torch target).
  [ -f "$TORCH_ROOT/include/gloo/context.h" ] && INCLUDES+=(-DTRM_WITH_GLOO=1 -DUSE_DISTRIBUTED -DUSE_C10D_GLOO)
  for d in "${INCLUDES[@]}"; do [ -f "${d#-I}/nccl.h" ] && { INCLUDES+=(-DUSE_C10D_NCCL); break; }; done
  STD=c++17  # C++20 where this torch's ATen/ATen.h demands it (as native/CMakeLists.txt decides)
  grep -q 'C++20 or later' "$TORCH_ROOT/include/ATen/ATen.h" && STD=c++20
  EXTRA_OBJ=()
  EXTRA_LIB=()
  # TRM_NVCC_FLAGS: extra nvcc flags, e.g. "-ccbin clang-14" where the default host compiler is too new for this nvcc.
  read -r -a NVCC_EXTRA <<< "${TRM_NVCC_FLAGS:-}"
  if [ -n "$NVCC" ] && "$NVCC" "${NVCC_EXTRA[@]}" -std=c++17 -O3 -arch=sm_90 -Xcompiler -fPIC,-fvisibility=hidden -c native/src/kernels.cu -o "$BUILD/kernels.o" > "$OUT/nvcc.log" 2>&1; then
    # ls fails when a pattern matches nothing: `|| true` keeps set -e/pipefail from ending the script.
    # The libcudart torch itself uses comes first (its lib folder, the pip nvidia-cuda-runtime package), then the toolkit's,
    # then whatever the dynamic linker knows.
    CUDART="$(ls "$TORCH_ROOT"/lib/libcudart*.so* "$NVROOT"/nvidia/cuda_runtime/lib/libcudart.so* "$(dirname "$NVCC")"/../lib64/libcudart.so* \
      /usr/local/cuda/lib64/libcudart.so* 2>/dev/null | head -1 || true)"
    [ -n "$CUDART" ] || CUDART="$(ldconfig -p 2>/dev/null | awk '/libcudart\.so/ { print $NF; exit }' || true)"
    if [ -n "$CUDART" ]; then
      INCLUDES+=(-DTRM_WITH_CUDA_KERNELS=1)
      EXTRA_OBJ=("$BUILD/kernels.o")
      EXTRA_LIB=(-L"$(dirname "$CUDART")" -Wl,-rpath,"$(dirname "$CUDART")" -l:"$(basename "$CUDART")")
      echo "fused kernels: compiled by $NVCC, linked against $CUDART"
    else
      echo "fused kernels: no libcudart found, built without them"
    fi
  else
    echo "fused kernels: not built (no nvcc, or it failed: $OUT/nvcc.log)"
  fi
  # One g++ per source file, in parallel (torch's headers make each file slow), then one link.
  printf '%s\n' native/src/*.cpp | xargs -P "$(nproc)" -I{} sh -c 'g++ -std='"$STD"' -O2 -fPIC -fvisibility=hidden -Wno-deprecated-declarations -D_GLIBCXX_USE_CXX11_ABI='"$ABI"' -DTRM_WITH_CUDA=1 -Inative/src "$@" -c {} -o '"$BUILD"'/obj/$(basename {} .cpp).o' sh "${INCLUDES[@]}" > "$OUT/gxx.log" 2>&1 \
    || { cat "$OUT/gxx.log" >&2; exit 1; }
  g++ -shared -o "$LIB" "$BUILD"/obj/*.o "${EXTRA_OBJ[@]}" -L"$TORCH_ROOT/lib" -Wl,-rpath,"$TORCH_ROOT/lib" -Wl,--no-as-needed \
    -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda "${EXTRA_LIB[@]}" >> "$OUT/gxx.log" 2>&1 || { cat "$OUT/gxx.log" >&2; exit 1; }
fi

echo "shim built after ${SECONDS}s"

# 2. .NET: checks + timings. 3. PyTorch: the same timings. Both are capped so that the whole round ends within
#    TRM_GPU_BUDGET_S (default 500 s; the device call's timeout is 540 s). Both write their JSON lines as they go, so a cap
#    keeps what was measured; the report is written in any case.
BUDGET="${TRM_GPU_BUDGET_S:-500}"
cap() { local left=$((BUDGET - SECONDS - $1)); [ "$left" -lt "$2" ] && left=$2; echo "$left"; }
set +e
timeout "$(cap 120 150)" env TRM_NATIVE_LIB="$PWD/$LIB" eng/gpu/out/GpuRunner --json "$OUT/dotnet.jsonl" 2> "$OUT/dotnet.log" | tee "$OUT/dotnet.md"
RC=${PIPESTATUS[0]}
[ "$RC" = 124 ] && echo "GpuRunner stopped at its time cap (partial results in $OUT/dotnet.jsonl, progress in $OUT/dotnet.log)" >&2
echo "GpuRunner done after ${SECONDS}s (exit $RC)"
timeout 60 "$PY" eng/gpu/bench_gpu.py > "$OUT/python.jsonl"
timeout "$(cap 15 60)" "$PY" benchmarks/trm_torch_bench.py --device cuda >> "$OUT/python.jsonl" || echo "benchmarks/trm_torch_bench.py failed or reached its time cap (partial results kept)" >&2
set -e
echo "PyTorch peers done after ${SECONDS}s"
"$PY" eng/gpu/report.py "$OUT" "GPU round: $("$PY" -c 'import torch;print("torch", torch.__version__, "CUDA", torch.version.cuda, torch.cuda.get_device_name(0))')"

exit "$RC"
