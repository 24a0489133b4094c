#!/usr/bin/env bash
# Compile check of the CUDA code on a machine WITHOUT a GPU (a developer tool; deliberately not in .ci/run or eng/bootstrap.sh:
# the toolkit pulls 2-3 GB). It proves that the CUDA sources compile, not that they run (that is the GPU round, eng/gpu/run.sh):
#   1. nvcc compiles native/src/kernels.cu for sm_90 (H100/H200), printing ptxas' register and spill use per kernel;
#   2. g++ -fsyntax-only checks the CUDA-only C++ of the shim (fused.cpp and cuda.cpp with TRM_WITH_CUDA and
#      TRM_WITH_CUDA_KERNELS) against this machine's libtorch headers (Debian's libtorch-dev 1.13 ships the c10/cuda and
#      ATen/cuda headers but not the generated c10/cuda/impl/cuda_cmake_macros.h, which is stubbed in a temporary directory).
# Usage: eng/gpu/compile-check.sh [--install]
#   --install (root, Debian 12): adds contrib + non-free in a SEPARATE source list
#   (/etc/apt/sources.list.d/debian-nonfree-cuda.sources; the machine's own sources are left alone) and installs Debian's
#   nvidia-cuda-toolkit (CUDA 11.8, enough for sm_90). The GPU machines compile with their own nvcc (13.0) instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--install" ]; then
  cat > /etc/apt/sources.list.d/debian-nonfree-cuda.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: contrib non-free non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nvidia-cuda-toolkit
fi
command -v nvcc >/dev/null || { echo "no nvcc: run eng/gpu/compile-check.sh --install (root, Debian 12), or put a CUDA toolkit on PATH" >&2; exit 2; }
echo "== $(nvcc --version | tail -1)"

# Debian's nvcc 11.8 accepts gcc <= 11 only; bookworm's default is 12, so use clang-14 or g++-11 as the host compiler there.
HOST=()
if ! echo 'int main(){}' | nvcc -x cu - -o /dev/null >/dev/null 2>&1; then
  for c in clang++-14 clang-14 g++-11; do command -v "$c" >/dev/null && { HOST=(-ccbin "$c"); break; }; done
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "== 1. nvcc ${HOST[*]} -arch=sm_90 native/src/kernels.cu"
# One line per kernel: demangled name, registers, shared memory, spills (ptxas -v).
nvcc "${HOST[@]}" -std=c++17 -O3 -arch=sm_90 -Xcompiler -fPIC,-Wall -Xptxas -v -c native/src/kernels.cu -o "$TMP/kernels.o" 2>&1 \
  | sed -E "s/.*Compiling entry function '([^']*)'.*/KERNEL \1/" | c++filt \
  | awk '/^KERNEL/ { sub(/^KERNEL (void )?trm::kernels::\(anonymous namespace\)::/, ""); sub(/\(.*/, ""); name = $0; next }
         /spill stores/ { spill = $5 " B spill stores, " $9 " B spill loads"; next }
         /Used [0-9]+ registers/ { sub(/.*Used /, ""); print "  " name ": " $0 ", " spill; next }
         /error|warning/ { print }' || true
[ -s "$TMP/kernels.o" ] || { echo "kernels.cu did not compile" >&2; exit 1; }
echo "kernels in the cubin: $(cuobjdump -sass "$TMP/kernels.o" | grep -c 'Function :')"

echo "== 2. g++ -fsyntax-only (TRM_WITH_CUDA, TRM_WITH_CUDA_KERNELS) against the local libtorch headers"
mkdir -p "$TMP/stub/c10/cuda/impl"
printf '#pragma once\n#define C10_CUDA_BUILD_SHARED_LIBS\n' > "$TMP/stub/c10/cuda/impl/cuda_cmake_macros.h"
TORCH_INC="${TORCH_INCLUDE:-/usr/include}"
for f in fused cuda; do
  g++ -std=c++17 -fsyntax-only -Wall -Wno-unused-parameter -Werror=missing-declarations -Werror=switch -DTRM_WITH_CUDA=1 -DTRM_WITH_CUDA_KERNELS=1 \
    -I"$TMP/stub" -Inative/src -I"$TORCH_INC" -I"$TORCH_INC/torch/csrc/api/include" "native/src/$f.cpp"
  echo "native/src/$f.cpp: OK"
done
echo "== compile check passed"
