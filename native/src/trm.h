// trm_native: internal helpers shared by the translation units of the flat C surface over libtorch (the exports
// themselves are declared in native/include/trm_native.h).
// Handles are heap-allocated at::Tensor objects; every entry point catches all exceptions,
// stores the message in a thread-local slot (see errors.cpp) and returns a sentinel
// (nullptr for handles, -1 for status codes).
#pragma once

#include <ATen/ATen.h>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "../include/trm_native.h"  // every export, declared once
#include "ops.h"         // op-code enums from trm_ops.def

namespace trm {

void set_error(const char* message);

// dtype codes shared with the C# enum Trm.Torch.DType.
at::ScalarType to_scalar_type(int code);
int from_scalar_type(at::ScalarType t);
// device codes shared with the C# enum Trm.Torch.DeviceType (0 = cpu, 1 = cuda).
at::Device to_device(int type, int index);

// The exception for an op code that trm_ops.def does not list in `family` (e.g. "unary").
std::invalid_argument unknown_op(const char* family, int code);

inline TrmTensor wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }
inline at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }
std::vector<at::Tensor> unwrap_list(const TrmTensor* items, int n);
// Sizes OpenBLAS's own thread pool (no-op when the loaded BLAS is not OpenBLAS); see blas_threads.cpp.
void set_blas_threads(int n);
// x * rsqrt(mean(x^2, -1) + eps) in float32 at least, cast back to x's dtype, times *weight when given (nn.cpp).
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor* weight, double eps);
// The fused AdamATan2 update of one parameter when the CUDA kernels are built, enabled and apply (float32, contiguous,
// on the GPU); false (nothing done) otherwise. bc1 = 1 - beta1^t, bc2_sqrt = sqrt(1 - beta2^t) (fused.cpp).
bool fused_adam_atan2(at::Tensor& p, const at::Tensor& g, at::Tensor& m, at::Tensor& v, double lr, double beta1, double beta2,
                      double weight_decay, double bc1, double bc2_sqrt);

}  // namespace trm

namespace trm {
// Function form of TRM_GUARD, for bodies that contain preprocessor conditionals (not allowed inside macro arguments).
template <class R, class F>
R guarded(R fail, F&& body) {
  try {
    return body();
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown native exception");
  }
  return fail;
}
}  // namespace trm

// Wraps a body that returns a value; on any exception stores the message and returns `fail`.
#define TRM_GUARD(fail, ...)                                    \
  try {                                                          \
    __VA_ARGS__                                                  \
  } catch (const c10::Error& e) {                                \
    trm::set_error(e.what_without_backtrace());                  \
  } catch (const std::exception& e) {                            \
    trm::set_error(e.what());                                    \
  } catch (...) {                                                \
    trm::set_error("unknown native exception");                  \
  }                                                              \
  return fail;
