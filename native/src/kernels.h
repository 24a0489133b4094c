// Launchers of the fused CUDA kernels (kernels.cu). Plain C++ over raw device pointers and a cudaStream_t passed as
// void*, so that kernels.cu needs no torch header and nvcc compiles it on its own; fused.cpp does the tensor checks, the
// autograd wiring and the CPU fallbacks. Built only when CMake finds CUDA (TRM_WITH_CUDA_KERNELS).
// Every launcher returns a cudaError_t as int (0 = success); error_string names it.
#pragma once

#include <cstdint>

namespace trm::kernels {

// Element types of the kernels (values match nothing else; fused.cpp maps at::ScalarType onto them).
enum class Elem : int { F32 = 0, BF16 = 1, F16 = 2 };

// sum = a + b rounded to the element type; y = sum * rsqrt(mean(sum^2 over the row) + eps) in float32, stored in the
// element type; rstd[row] keeps the float32 factor for the backward pass. a, b, sum, y: [rows, cols] contiguous.
int add_rms_norm_forward(Elem t, const void* a, const void* b, void* sum, void* y, float* rstd, int64_t rows, int64_t cols,
                         float eps, void* stream);

// dx = rstd * dy - sum * rstd^3 * mean(dy * sum over the row): the gradient of y with respect to sum (and so to a and b).
int add_rms_norm_backward(Elem t, const void* dy, const void* sum, const float* rstd, void* dx, int64_t rows, int64_t cols,
                          void* stream);

// gate_up [rows, 2 * inner] holds [gate, up] per row; out [rows, inner] = silu(gate) * up, computed in float32.
int swiglu_forward(Elem t, const void* gate_up, void* out, int64_t rows, int64_t inner, void* stream);

// d gate = dout * up * s * (1 + gate * (1 - s)) with s = sigmoid(gate); d up = dout * silu(gate); written into
// dgate_up [rows, 2 * inner] in the [gate, up] layout.
int swiglu_backward(Elem t, const void* gate_up, const void* dout, void* dgate_up, int64_t rows, int64_t inner, void* stream);

// One AdamATan2 step over n float32 elements (see optim.cpp for the formula); bc1 = 1 - beta1^t, bc2_sqrt = sqrt(1 - beta2^t).
int adam_atan2_step(float* p, const float* g, float* m, float* v, int64_t n, float lr, float beta1, float beta2, float weight_decay,
                    float bc1, float bc2_sqrt, void* stream);

// The message of a code returned by a launcher.
const char* error_string(int code);

}  // namespace trm::kernels
