// Fused CUDA kernels for the hot element-wise chains of the TRM block (see kernels.h for each contract):
//   residual add + RMSNorm (forward, backward), SwiGLU gate silu(gate) * up (forward, backward), and the AdamATan2 update.
// Arithmetic is float32 whatever the element type; 16-bit values are rounded (round-to-nearest-even) where the unfused
// libtorch chain rounds them: the residual sum before the norm, and every output.
#include "kernels.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

namespace trm::kernels {
namespace {

template <class T>
struct Cvt;
template <>
struct Cvt<float> {
  __device__ static float load(float v) { return v; }
  __device__ static float store(float v) { return v; }
};
template <>
struct Cvt<__nv_bfloat16> {
  __device__ static float load(__nv_bfloat16 v) { return __bfloat162float(v); }
  __device__ static __nv_bfloat16 store(float v) { return __float2bfloat16(v); }
};
template <>
struct Cvt<__half> {
  __device__ static float load(__half v) { return __half2float(v); }
  __device__ static __half store(float v) { return __float2half(v); }
};

// Sum of v over the block (blockDim.x a multiple of 32, at most 1024); every thread gets the total. shared: 33 floats.
__device__ float block_sum(float v, float* shared) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < warps ? shared[lane] : 0.f;
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    if (lane == 0) shared[32] = v;
  }
  __syncthreads();
  return shared[32];
}

// One block per row.
template <class T>
__global__ void add_rms_norm_fwd(const T* a, const T* b, T* sum, T* y, float* rstd, int64_t cols, float eps) {
  __shared__ float red[33];
  const int64_t base = static_cast<int64_t>(blockIdx.x) * cols;
  float acc = 0.f;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
    const T s = Cvt<T>::store(Cvt<T>::load(a[base + j]) + Cvt<T>::load(b[base + j]));
    sum[base + j] = s;
    const float f = Cvt<T>::load(s);
    acc += f * f;
  }
  const float r = rsqrtf(block_sum(acc, red) / static_cast<float>(cols) + eps);
  if (threadIdx.x == 0) rstd[blockIdx.x] = r;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) y[base + j] = Cvt<T>::store(Cvt<T>::load(sum[base + j]) * r);
}

template <class T>
__global__ void add_rms_norm_bwd(const T* dy, const T* sum, const float* rstd, T* dx, int64_t cols) {
  __shared__ float red[33];
  const int64_t base = static_cast<int64_t>(blockIdx.x) * cols;
  float acc = 0.f;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) acc += Cvt<T>::load(dy[base + j]) * Cvt<T>::load(sum[base + j]);
  const float r = rstd[blockIdx.x];
  const float c = r * r * r * block_sum(acc, red) / static_cast<float>(cols);
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x)
    dx[base + j] = Cvt<T>::store(r * Cvt<T>::load(dy[base + j]) - Cvt<T>::load(sum[base + j]) * c);
}

template <class T>
__global__ void swiglu_fwd(const T* gate_up, T* out, int64_t rows, int64_t inner) {
  const int64_t n = rows * inner;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n; i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = i / inner, j = i - r * inner;
    const float g = Cvt<T>::load(gate_up[r * 2 * inner + j]);
    const float u = Cvt<T>::load(gate_up[r * 2 * inner + inner + j]);
    out[i] = Cvt<T>::store(g / (1.f + expf(-g)) * u);
  }
}

template <class T>
__global__ void swiglu_bwd(const T* gate_up, const T* dout, T* dgate_up, int64_t rows, int64_t inner) {
  const int64_t n = rows * inner;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n; i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = i / inner, j = i - r * inner;
    const int64_t gi = r * 2 * inner + j, ui = gi + inner;
    const float g = Cvt<T>::load(gate_up[gi]), u = Cvt<T>::load(gate_up[ui]), d = Cvt<T>::load(dout[i]);
    const float s = 1.f / (1.f + expf(-g));
    dgate_up[gi] = Cvt<T>::store(d * u * s * (1.f + g * (1.f - s)));
    dgate_up[ui] = Cvt<T>::store(d * g * s);
  }
}

__global__ void adam_atan2(float* p, const float* g, float* m, float* v, int64_t n, float lr, float beta1, float beta2, float weight_decay,
                           float bc1, float bc2_sqrt) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n; i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const float gi = g[i];
    float pi = p[i];
    if (weight_decay != 0.f) pi *= 1.f - lr * weight_decay;
    const float mi = m[i] + (1.f - beta1) * (gi - m[i]);
    const float vi = beta2 * v[i] + (1.f - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi - lr * atan2f(mi / bc1, sqrtf(vi) / bc2_sqrt);
  }
}

// Threads per row for the row kernels: a power of two from 32 to 256, no more than the row needs.
unsigned row_threads(int64_t cols) {
  unsigned t = 32;
  while (t < 256 && t < cols) t <<= 1;
  return t;
}

// Blocks for a grid-stride element-wise kernel of 256 threads.
unsigned flat_blocks(int64_t n) {
  const int64_t b = (n + 255) / 256;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 65535 * 8 ? 65535 * 8 : b));
}

int done() { return static_cast<int>(cudaGetLastError()); }

template <template <class> class Launch, class... Args>
int dispatch(Elem t, Args... args) {
  switch (t) {
    case Elem::F32: return Launch<float>::run(args...);
    case Elem::BF16: return Launch<__nv_bfloat16>::run(args...);
    case Elem::F16: return Launch<__half>::run(args...);
  }
  return static_cast<int>(cudaErrorInvalidValue);
}

template <class T>
struct RmsFwd {
  static int run(const void* a, const void* b, void* sum, void* y, float* rstd, int64_t rows, int64_t cols, float eps, void* stream) {
    if (rows == 0) return 0;
    add_rms_norm_fwd<T><<<static_cast<unsigned>(rows), row_threads(cols), 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(sum), static_cast<T*>(y), rstd, cols, eps);
    return done();
  }
};

template <class T>
struct RmsBwd {
  static int run(const void* dy, const void* sum, const float* rstd, void* dx, int64_t rows, int64_t cols, void* stream) {
    if (rows == 0) return 0;
    add_rms_norm_bwd<T><<<static_cast<unsigned>(rows), row_threads(cols), 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const T*>(dy), static_cast<const T*>(sum), rstd, static_cast<T*>(dx), cols);
    return done();
  }
};

template <class T>
struct GluFwd {
  static int run(const void* gate_up, void* out, int64_t rows, int64_t inner, void* stream) {
    if (rows * inner == 0) return 0;
    swiglu_fwd<T><<<flat_blocks(rows * inner), 256, 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const T*>(gate_up), static_cast<T*>(out), rows, inner);
    return done();
  }
};

template <class T>
struct GluBwd {
  static int run(const void* gate_up, const void* dout, void* dgate_up, int64_t rows, int64_t inner, void* stream) {
    if (rows * inner == 0) return 0;
    swiglu_bwd<T><<<flat_blocks(rows * inner), 256, 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const T*>(gate_up), static_cast<const T*>(dout), static_cast<T*>(dgate_up), rows, inner);
    return done();
  }
};

}  // namespace

int add_rms_norm_forward(Elem t, const void* a, const void* b, void* sum, void* y, float* rstd, int64_t rows, int64_t cols, float eps,
                         void* stream) {
  return dispatch<RmsFwd>(t, a, b, sum, y, rstd, rows, cols, eps, stream);
}

int add_rms_norm_backward(Elem t, const void* dy, const void* sum, const float* rstd, void* dx, int64_t rows, int64_t cols, void* stream) {
  return dispatch<RmsBwd>(t, dy, sum, rstd, dx, rows, cols, stream);
}

int swiglu_forward(Elem t, const void* gate_up, void* out, int64_t rows, int64_t inner, void* stream) {
  return dispatch<GluFwd>(t, gate_up, out, rows, inner, stream);
}

int swiglu_backward(Elem t, const void* gate_up, const void* dout, void* dgate_up, int64_t rows, int64_t inner, void* stream) {
  return dispatch<GluBwd>(t, gate_up, dout, dgate_up, rows, inner, stream);
}

int adam_atan2_step(float* p, const float* g, float* m, float* v, int64_t n, float lr, float beta1, float beta2, float weight_decay,
                    float bc1, float bc2_sqrt, void* stream) {
  if (n == 0) return 0;
  adam_atan2<<<flat_blocks(n), 256, 0, static_cast<cudaStream_t>(stream)>>>(p, g, m, v, n, lr, beta1, beta2, weight_decay, bc1, bc2_sqrt);
  return done();
}

const char* error_string(int code) { return cudaGetErrorString(static_cast<cudaError_t>(code)); }

}  // namespace trm::kernels
