#!/usr/bin/env bash
# Syntax-checks the native shim (native/src/*.cpp) against libtorch 2.x headers without touching the installed libtorch:
# downloads Debian sid's libtorch-dev (and libgloo-dev) with `apt-get download` into a temporary folder, unpacks them with
# `dpkg -x`, and runs `g++ -fsyntax-only` on every source in three configurations:
#   cpu        - the plain CPU build
#   cpu+gloo   - with the c10d/Gloo process groups (TRM_WITH_GLOO and torch's own USE_C10D_GLOO/USE_DISTRIBUTED)
#   cuda+nccl  - TRM_WITH_CUDA, TRM_WITH_CUDA_KERNELS (fused.cpp's autograd functions) and USE_C10D_NCCL. Debian main has no CUDA/NCCL headers, so this configuration uses
#                declarations-only stand-ins for cuda.h, cuda_runtime_api.h, nccl.h, cublas... written below. They let
#                torch's c10/cuda, ATen/cuda and c10d NCCL headers parse so that the shim's calls into them are checked;
#                nothing is linked or run.
# Usage: eng/check-torch2-compat.sh      (env: KEEP=1 keeps the temporary folder, JOBS=n parallel compiles, default 2;
#        SOURCES="native/src/a.cpp ..." and CONFIGS_RUN="cuda+nccl ..." narrow the check to some files / configurations)
# Prints one line per configuration and file, then OK or the errors; exit status 0 only when everything compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WORK="$(mktemp -d /tmp/trm-torch2.XXXXXX)"
JOBS="${JOBS:-2}"
if [ "${KEEP:-0}" = 1 ]; then echo "work folder: $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

# 1. Fetch and unpack libtorch-dev and libgloo-dev from sid into $WORK/root (apt state kept private to $WORK).
mkdir -p "$WORK/lists/partial" "$WORK/cache/archives/partial" "$WORK/debs" "$WORK/root"
echo "deb http://deb.debian.org/debian sid main" > "$WORK/sources.list"
APT=(-o Dir::Etc::SourceList="$WORK/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$WORK/lists"
     -o Dir::Cache="$WORK/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")
echo "apt: reading sid package lists"
apt-get "${APT[@]}" -qq update
(cd "$WORK/debs" && apt-get "${APT[@]}" -qq download libtorch-dev libgloo-dev)
for deb in "$WORK"/debs/*.deb; do
  echo "unpack: $(basename "$deb")"
  dpkg -x "$deb" "$WORK/root"
done
INC="$WORK/root/usr/include"
VERSION_H="$INC/torch/headeronly/version.h"
[ -f "$VERSION_H" ] || VERSION_H="$INC/torch/csrc/api/include/torch/version.h"
TORCH_VERSION="$(sed -n 's/^ *"\([0-9][0-9.]*\)".*/\1/p; s/^#define TORCH_VERSION "\(.*\)"/\1/p' "$VERSION_H" | head -1)"
# The standard this libtorch requires, as stated by ATen/ATen.h (native/CMakeLists.txt reads the same line).
STD=c++17
grep -q 'C++20 or later' "$INC/ATen/ATen.h" && STD=c++20
# Definitions torch's CMake package gives its users (torch_cpu's INTERFACE_COMPILE_DEFINITIONS).
TORCH_DEFS="$(sed -n 's/.*INTERFACE_COMPILE_DEFINITIONS "\([^"]*\)".*/\1/p' "$WORK"/root/usr/lib/*/cmake/Caffe2/Caffe2Targets.cmake | head -1)"
echo "libtorch $TORCH_VERSION headers, -std=$STD, torch definitions: ${TORCH_DEFS:-none}"

# 2. Declarations-only stand-ins for the CUDA toolkit and NCCL headers (types, enums, constants, prototypes: no bodies).
STUB="$WORK/cudastub"
mkdir -p "$STUB/c10/cuda/impl"
cat > "$STUB/trm_cuda_decls.h" <<'EOF'
#pragma once
#include <cstddef>
#include <cstdint>
#define CUDART_VERSION 12080
#define CUDA_VERSION 12080
typedef enum cudaError { cudaSuccess = 0, cudaErrorNotReady = 600 } cudaError_t;
typedef enum cudaError_enum { CUDA_SUCCESS = 0 } CUresult;
typedef struct CUstream_st* cudaStream_t;
typedef struct CUstream_st* CUstream;
typedef struct CUevent_st* cudaEvent_t;
typedef struct CUgraph_st* cudaGraph_t;
typedef struct CUgraphExec_st* cudaGraphExec_t;
typedef struct CUgraphNode_st* cudaGraphNode_t;
typedef struct CUuserObject_st* cudaUserObject_t;
typedef struct CUctx_st* CUcontext;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef unsigned long long cudaGraphConditionalHandle;
typedef void (*cudaHostFn_t)(void*);
enum cudaStreamCaptureStatus { cudaStreamCaptureStatusNone, cudaStreamCaptureStatusActive, cudaStreamCaptureStatusInvalidated };
enum cudaStreamCaptureMode { cudaStreamCaptureModeGlobal, cudaStreamCaptureModeThreadLocal, cudaStreamCaptureModeRelaxed };
enum cudaMemcpyKind { cudaMemcpyHostToHost, cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice, cudaMemcpyDefault };
enum cudaGraphConditionalNodeType { cudaGraphCondTypeIf, cudaGraphCondTypeWhile };
enum cudaUserObjectFlags { cudaUserObjectNoDestructorSync = 1 };
enum cudaUserObjectRetainFlags { cudaGraphUserObjectMove = 1 };
struct cudaDeviceProp { char name[256]; int major; int minor; int multiProcessorCount; std::size_t totalGlobalMem; };
typedef struct cudaIpcEventHandle_st { char reserved[64]; } cudaIpcEventHandle_t;
#define cudaEventDefault 0x00
#define cudaEventBlockingSync 0x01
#define cudaEventDisableTiming 0x02
#define cudaEventInterprocess 0x04
#define cudaEventRecordDefault 0x00
#define cudaEventRecordExternal 0x01
#define cudaEventWaitDefault 0x00
#define cudaEventWaitExternal 0x01
const char* cudaGetErrorString(cudaError_t);
const char* cudaGetErrorName(cudaError_t);
cudaError_t cudaGetLastError();
cudaError_t cudaPeekAtLastError();
// Runtime calls made inside torch's inline code: variadic prototypes are enough for a syntax check.
#define TRM_CUDA_FN(name) cudaError_t name(...);
TRM_CUDA_FN(cudaStreamIsCapturing) TRM_CUDA_FN(cudaThreadExchangeStreamCaptureMode) TRM_CUDA_FN(cudaStreamDestroy)
TRM_CUDA_FN(cudaStreamWaitEvent) TRM_CUDA_FN(cudaStreamSynchronize) TRM_CUDA_FN(cudaStreamGetPriority)
TRM_CUDA_FN(cudaStreamGetCaptureInfo) TRM_CUDA_FN(cudaStreamGetCaptureInfo_v2) TRM_CUDA_FN(cudaStreamQuery)
TRM_CUDA_FN(cudaMemcpyAsync) TRM_CUDA_FN(cudaMemGetInfo) TRM_CUDA_FN(cudaLaunchHostFunc)
TRM_CUDA_FN(cudaEventSynchronize) TRM_CUDA_FN(cudaEventRecord) TRM_CUDA_FN(cudaEventRecordWithFlags) TRM_CUDA_FN(cudaEventQuery)
TRM_CUDA_FN(cudaEventElapsedTime) TRM_CUDA_FN(cudaEventDestroy) TRM_CUDA_FN(cudaEventCreateWithFlags)
TRM_CUDA_FN(cudaIpcGetEventHandle) TRM_CUDA_FN(cudaIpcOpenEventHandle)
TRM_CUDA_FN(cudaDeviceSynchronize) TRM_CUDA_FN(cudaDeviceGetStreamPriorityRange) TRM_CUDA_FN(cudaGetDevice)
TRM_CUDA_FN(cudaSetDevice) TRM_CUDA_FN(cudaGetDeviceCount)
TRM_CUDA_FN(cudaUserObjectCreate) TRM_CUDA_FN(cudaUserObjectRelease) TRM_CUDA_FN(cudaGraphRetainUserObject)
typedef struct cublasContext* cublasHandle_t;
typedef struct cublasLtContext* cublasLtHandle_t;
typedef enum { CUBLAS_STATUS_SUCCESS = 0 } cublasStatus_t;
typedef struct cusolverDnContext* cusolverDnHandle_t;
typedef enum { CUSOLVER_STATUS_SUCCESS = 0 } cusolverStatus_t;
typedef struct cusparseContext* cusparseHandle_t;
typedef enum { CUSPARSE_STATUS_SUCCESS = 0 } cusparseStatus_t;
#define NCCL_MAJOR 2
#define NCCL_MINOR 27
#define NCCL_PATCH 3
#define NCCL_VERSION(X, Y, Z) (((X) <= 2 && (Y) <= 8) ? (X) * 1000 + (Y) * 100 + (Z) : (X) * 10000 + (Y) * 100 + (Z))
#define NCCL_VERSION_CODE NCCL_VERSION(NCCL_MAJOR, NCCL_MINOR, NCCL_PATCH)
#define NCCL_SPLIT_NOCOLOR -1
#define NCCL_CONFIG_INITIALIZER {}
typedef struct ncclComm* ncclComm_t;
typedef struct { char internal[128]; } ncclUniqueId;
typedef enum { ncclSuccess = 0, ncclSystemError = 2, ncclInProgress = 7 } ncclResult_t;
typedef enum { ncclSum, ncclProd, ncclMax, ncclMin, ncclAvg } ncclRedOp_t;
typedef enum { ncclInt8, ncclChar = 0, ncclUint8, ncclInt32, ncclInt = 2, ncclUint32, ncclInt64, ncclUint64, ncclFloat16,
               ncclHalf = 6, ncclFloat32, ncclFloat = 7, ncclFloat64, ncclDouble = 8, ncclBfloat16, ncclFloat8e4m3,
               ncclFloat8e5m2 } ncclDataType_t;
typedef struct { std::size_t size; unsigned int magic; unsigned int version; int blocking; int cgaClusterSize; int minCTAs;
                 int maxCTAs; const char* netName; int splitShare; } ncclConfig_t;
#define TRM_NCCL_FN(name) ncclResult_t name(...);
TRM_NCCL_FN(ncclRedOpDestroy) TRM_NCCL_FN(ncclCommAbort) TRM_NCCL_FN(ncclCommDestroy) TRM_NCCL_FN(ncclCommGetAsyncError)
TRM_NCCL_FN(ncclCommInitRank)
const char* ncclGetErrorString(ncclResult_t);
const char* ncclGetLastError(ncclComm_t);
EOF
for h in cuda.h cuda_runtime.h cuda_runtime_api.h cuda_fp16.h cuda_bf16.h cublas_v2.h cublasLt.h cusparse.h cusolverDn.h \
         cusolver_common.h nccl.h; do
  echo '#include "trm_cuda_decls.h"' > "$STUB/$h"
done
: > "$STUB/c10/cuda/impl/cuda_cmake_macros.h"  # generated by a CUDA build of torch; absent from a CPU package

# 3. Syntax checks.
COMMON=(-std="$STD" -fsyntax-only -Wall -Wno-unused-parameter -I"$ROOT/native/src" -I"$INC" -I"$INC/torch/csrc/api/include")
declare -A CONFIGS=(
  [cpu]=""
  [cpu+gloo]="-DUSE_DISTRIBUTED -DUSE_C10D_GLOO -DTRM_WITH_GLOO=1"
  [cuda+nccl]="-DUSE_DISTRIBUTED -DUSE_C10D_GLOO -DTRM_WITH_GLOO=1 -DTRM_WITH_CUDA=1 -DTRM_WITH_CUDA_KERNELS=1 -DUSE_C10D_NCCL -I$STUB"
)
mkdir -p "$WORK/logs"
check() {  # config file -> writes $WORK/logs/<config>__<file>.log, prints one status line
  local cfg="$1" src="$2" log
  log="$WORK/logs/${cfg}__$(basename "$src").log"
  # shellcheck disable=SC2086
  if g++ "${COMMON[@]}" ${CONFIGS[$cfg]} -H "$src" > "$log" 2>&1 && ! grep -q ': error:\|: fatal error:' "$log"; then
    echo "ok    $cfg $src"
  else
    echo "FAIL  $cfg $src"
  fi
}
export -f check
export WORK STUB
FAILED=0
for cfg in ${CONFIGS_RUN:-cpu cpu+gloo cuda+nccl}; do
  for src in ${SOURCES:-native/src/*.cpp}; do
    echo "$cfg $src"
  done
done | xargs -P "$JOBS" -n 2 bash -c "$(declare -p COMMON CONFIGS); check \"\$0\" \"\$1\"" | sort -k2,3 | tee "$WORK/summary"
grep -q '^FAIL' "$WORK/summary" && FAILED=1

# Every torch/c10/gloo header must come from the sid tree, never from an installed libtorch in /usr/include.
LEAKS="$(grep -h '^\.* /usr/include/\(torch\|ATen\|c10\|caffe2\|gloo\)/' "$WORK"/logs/*.log | awk '{print $2}' | sort -u || true)"
if [ -n "$LEAKS" ]; then
  echo "FAIL  headers taken from the installed libtorch instead of $TORCH_VERSION:"; echo "$LEAKS" | head -20
  FAILED=1
fi
# Diagnostics: those in the shim first, then any inside torch's headers (under cuda+nccl: a gap in the stand-ins above).
for log in "$WORK"/logs/*.log; do
  DIAG="$(grep -E ': (fatal error|error|warning):' "$log" || true)"
  [ -z "$DIAG" ] && continue
  echo "--- $(basename "$log" .log)"
  echo "$DIAG" | grep "$ROOT/native/src\|^native/src" | head -20 || true
  echo "$DIAG" | grep -v "$ROOT/native/src\|^native/src" | head -10 || true
done
if [ "$FAILED" = 0 ]; then
  echo "OK: ${SOURCES:-native/src} compiles (syntax) against libtorch $TORCH_VERSION headers, -std=$STD, configurations ${CONFIGS_RUN:-cpu, cpu+gloo, cuda+nccl} (CUDA/NCCL stand-ins)"
else
  echo "ERRORS: see above${KEEP:+ (logs in $WORK/logs)}"
  exit 1
fi
