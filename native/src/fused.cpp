// Fused element-wise chains of the TRM block: rms_norm(x + residual), silu(gate) * up, and the AdamATan2 update.
// With TRM_WITH_CUDA_KERNELS (CMake found nvcc next to a CUDA libtorch) and the switch on (trm_fused_kernels_set_enabled),
// CUDA tensors that fit a kernel's contract go through kernels.cu, wrapped in autograd functions; everything else — the
// CPU, other dtypes, strided inputs, the switch off — runs the unfused libtorch ops, exactly what the model ran before.
#include "trm.h"

#include <atomic>

#ifdef TRM_WITH_CUDA_KERNELS
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/csrc/autograd/custom_function.h>

#include <limits>

#include "kernels.h"
#endif

using trm::wrap;

namespace {

std::atomic<bool> g_enabled{false};

at::Tensor add_rms_norm_unfused(const at::Tensor& x, const at::Tensor& residual, double eps) { return trm::rms_norm(x + residual, nullptr, eps); }

at::Tensor swiglu_unfused(const at::Tensor& gate_up) {
  auto halves = gate_up.chunk(2, -1);
  return at::silu(halves[0]) * halves[1];
}

#ifdef TRM_WITH_CUDA_KERNELS
namespace k = trm::kernels;

bool elem_of(at::ScalarType t, k::Elem* out) {
  switch (t) {
    case at::kFloat: *out = k::Elem::F32; return true;
    case at::kBFloat16: *out = k::Elem::BF16; return true;
    case at::kHalf: *out = k::Elem::F16; return true;
    default: return false;
  }
}

k::Elem elem(const at::Tensor& t) {
  k::Elem e = k::Elem::F32;
  if (!elem_of(t.scalar_type(), &e)) throw std::invalid_argument("fused kernel: unsupported dtype");
  return e;
}

void* stream_of(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.get_device()).stream(); }

void check(int code, const char* what) {
  if (code != 0) throw std::runtime_error(std::string("fused kernel ") + what + ": " + k::error_string(code));
}

// A tensor a kernel can take: on the GPU, contiguous, a float32/bf16/f16 element type, a non-empty last dimension and no
// more rows than a grid's x dimension allows.
bool kernel_fits(const at::Tensor& t) {
  k::Elem e = k::Elem::F32;
  return g_enabled.load(std::memory_order_relaxed) && t.is_cuda() && t.is_contiguous() && t.dim() >= 1 && t.size(-1) > 0 &&
         elem_of(t.scalar_type(), &e) && t.numel() / t.size(-1) <= std::numeric_limits<int32_t>::max();
}

struct AddRmsNormFn : public torch::autograd::Function<AddRmsNormFn> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& residual, double eps) {
    c10::cuda::CUDAGuard guard(x.device());
    const int64_t cols = x.size(-1), rows = x.numel() / cols;
    auto sum = at::empty_like(x);
    auto y = at::empty_like(x);
    auto rstd = at::empty({rows}, x.options().dtype(at::kFloat));
    check(k::add_rms_norm_forward(elem(x), x.data_ptr(), residual.data_ptr(), sum.data_ptr(), y.data_ptr(), rstd.data_ptr<float>(), rows,
                                  cols, static_cast<float>(eps), stream_of(x)),
          "add_rms_norm");
    ctx->save_for_backward({sum, rstd});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& sum = saved[0];
    const at::Tensor& rstd = saved[1];
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor()};
    c10::cuda::CUDAGuard guard(sum.device());
    auto dy = grads[0].to(sum.scalar_type()).contiguous();
    auto dx = at::empty_like(sum);
    const int64_t cols = sum.size(-1), rows = sum.numel() / cols;
    check(k::add_rms_norm_backward(elem(sum), dy.data_ptr(), sum.data_ptr(), rstd.data_ptr<float>(), dx.data_ptr(), rows, cols, stream_of(sum)),
          "add_rms_norm backward");
    return {dx, dx, at::Tensor()};
  }
};

struct SwiGluFn : public torch::autograd::Function<SwiGluFn> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& gate_up) {
    c10::cuda::CUDAGuard guard(gate_up.device());
    const int64_t inner = gate_up.size(-1) / 2, rows = gate_up.numel() / gate_up.size(-1);
    auto sizes = gate_up.sizes().vec();
    sizes.back() = inner;
    auto out = at::empty(sizes, gate_up.options());
    check(k::swiglu_forward(elem(gate_up), gate_up.data_ptr(), out.data_ptr(), rows, inner, stream_of(gate_up)), "swiglu");
    ctx->save_for_backward({gate_up});
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& gate_up = saved[0];
    if (!grads[0].defined()) return {at::Tensor()};
    c10::cuda::CUDAGuard guard(gate_up.device());
    auto dout = grads[0].to(gate_up.scalar_type()).contiguous();
    auto dgate_up = at::empty_like(gate_up);
    const int64_t inner = gate_up.size(-1) / 2, rows = gate_up.numel() / gate_up.size(-1);
    check(k::swiglu_backward(elem(gate_up), gate_up.data_ptr(), dout.data_ptr(), dgate_up.data_ptr(), rows, inner, stream_of(gate_up)),
          "swiglu backward");
    return {dgate_up};
  }
};
#endif

}  // namespace

TRM_API int trm_fused_kernels_compiled() {
#ifdef TRM_WITH_CUDA_KERNELS
  return 1;
#else
  return 0;
#endif
}

TRM_API int trm_fused_kernels_enabled() { return g_enabled.load() ? 1 : 0; }

// Turns the kernels on or off for the whole process. Turning them on in a build without them fails (-1) with a message.
TRM_API int trm_fused_kernels_set_enabled(int enabled) {
  return trm::guarded(-1, [&] {
    if (enabled != 0 && trm_fused_kernels_compiled() == 0)
      throw std::runtime_error("trm_native was built without the fused CUDA kernels (needs a CUDA libtorch and nvcc, see docs/gpu.md)");
    g_enabled.store(enabled != 0);
    return 0;
  });
}

// rms_norm(x + residual, eps) without weight (the TRM block's post-norm).
TRM_API TrmTensor trm_add_rms_norm(TrmTensor x, TrmTensor residual, double eps) {
  return trm::guarded<TrmTensor>(nullptr, [&] {
#ifdef TRM_WITH_CUDA_KERNELS
    if (kernel_fits(*x) && kernel_fits(*residual) && x->scalar_type() == residual->scalar_type() && x->sizes() == residual->sizes() &&
        x->device() == residual->device())
      return wrap(AddRmsNormFn::apply(*x, *residual, eps));
#endif
    return wrap(add_rms_norm_unfused(*x, *residual, eps));
  });
}

// silu(gate) * up with [gate, up] = gate_up.chunk(2, -1).
TRM_API TrmTensor trm_swiglu(TrmTensor gate_up) {
  return trm::guarded<TrmTensor>(nullptr, [&] {
    if (gate_up->dim() < 1 || gate_up->size(-1) % 2 != 0)
      throw std::invalid_argument("swiglu: the last dimension of gate_up must be even (gate and up halves); got shape " +
                                  c10::str(gate_up->sizes()));
#ifdef TRM_WITH_CUDA_KERNELS
    if (kernel_fits(*gate_up)) return wrap(SwiGluFn::apply(*gate_up));
#endif
    return wrap(swiglu_unfused(*gate_up));
  });
}

bool trm::fused_adam_atan2(at::Tensor& p, const at::Tensor& g, at::Tensor& m, at::Tensor& v, double lr, double beta1, double beta2,
                           double weight_decay, double bc1, double bc2_sqrt) {
#ifdef TRM_WITH_CUDA_KERNELS
  auto fits = [&](const at::Tensor& t) { return t.is_cuda() && t.is_contiguous() && t.scalar_type() == at::kFloat && t.numel() == p.numel(); };
  if (!g_enabled.load(std::memory_order_relaxed) || !fits(p) || !fits(g) || !fits(m) || !fits(v)) return false;
  c10::cuda::CUDAGuard guard(p.device());
  check(k::adam_atan2_step(p.data_ptr<float>(), g.data_ptr<float>(), m.data_ptr<float>(), v.data_ptr<float>(), p.numel(), static_cast<float>(lr),
                           static_cast<float>(beta1), static_cast<float>(beta2), static_cast<float>(weight_decay), static_cast<float>(bc1),
                           static_cast<float>(bc2_sqrt), stream_of(p)),
        "adam_atan2");
  return true;
#else
  return false;
#endif
}
