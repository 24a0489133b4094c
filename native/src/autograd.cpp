// Autograd: backward, gradients, grad mode and inference mode.
#include "trm.h"

#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>

using trm::wrap;

TRM_API int trm_backward(TrmTensor t, TrmTensor gradient, int retain_graph, int create_graph) {
  TRM_GUARD(-1, {
    at::Tensor g = gradient ? *gradient : at::Tensor();
    t->backward(g, retain_graph ? c10::optional<bool>(true) : c10::optional<bool>(false), create_graph != 0);
    return 0;
  })
}

// Writes a new handle to the gradient, or nullptr when it is undefined; returns 0, or -1 on error.
TRM_API int trm_grad(TrmTensor t, TrmTensor* out) {
  TRM_GUARD(-1, {
    const auto& g = t->grad();
    *out = g.defined() ? wrap(g) : nullptr;
    return 0;
  })
}

TRM_API int trm_set_grad(TrmTensor t, TrmTensor g) {
  TRM_GUARD(-1, {
    if (g && (g->sizes() != t->sizes() || g->scalar_type() != t->scalar_type() || g->device() != t->device()))
      throw std::invalid_argument("assigned grad has shape " + c10::str(g->sizes()) + ", " + c10::toString(g->scalar_type()) + " on " +
                                  g->device().str() + " but the tensor has shape " + c10::str(t->sizes()) + ", " +
                                  c10::toString(t->scalar_type()) + " on " + t->device().str());
    t->mutable_grad() = g ? *g : at::Tensor();
    return 0;
  })
}

// set_to_none: drop the gradient tensor instead of zeroing it.
TRM_API int trm_zero_grad(const TrmTensor* params, int n, int set_to_none) {
  TRM_GUARD(-1, {
    for (int i = 0; i < n; ++i) {
      auto& g = params[i]->mutable_grad();
      if (!g.defined()) continue;
      if (set_to_none) {
        g = at::Tensor();
      } else {
        if (g.grad_fn()) g = g.detach();
        else g.requires_grad_(false);
        g.zero_();
      }
    }
    return 0;
  })
}

TRM_API TrmTensor trm_detach(TrmTensor t) { TRM_GUARD(nullptr, return wrap(t->detach());) }

TRM_API int trm_detach_(TrmTensor t) {
  TRM_GUARD(-1, {
    t->detach_();
    return 0;
  })
}

// Sets grad mode on this thread, returns the previous mode (0/1).
TRM_API int trm_set_grad_enabled(int on) {
  TRM_GUARD(-1, {
    bool prev = c10::GradMode::is_enabled();
    c10::GradMode::set_enabled(on != 0);
    return prev ? 1 : 0;
  })
}

TRM_API int trm_is_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }

// Inference mode is an RAII guard in libtorch; we keep it on the heap between enter and exit (same thread, LIFO).
TRM_API void* trm_inference_mode_enter() { TRM_GUARD(nullptr, return new c10::InferenceMode(true);) }
TRM_API void trm_inference_mode_exit(void* guard) { delete static_cast<c10::InferenceMode*>(guard); }

TRM_API int trm_is_inference_mode() { return c10::InferenceMode::is_enabled() ? 1 : 0; }

// torch.autograd.grad for one output and n inputs; writes n handles (nullptr where an input got no gradient).
TRM_API int trm_autograd_grad(TrmTensor output, TrmTensor grad_output, const TrmTensor* inputs, int n, int retain_graph, int create_graph,
                              TrmTensor* out) {
  TRM_GUARD(-1, {
    torch::autograd::variable_list outs{*output};
    torch::autograd::variable_list gos;
    if (grad_output) gos.push_back(*grad_output);
    auto ins = trm::unwrap_list(inputs, n);
    auto grads = torch::autograd::grad(outs, ins, gos, retain_graph ? c10::optional<bool>(true) : c10::optional<bool>(false),
                                       create_graph != 0, /*allow_unused=*/true);
    for (int i = 0; i < n; ++i) out[i] = grads[i].defined() ? wrap(grads[i]) : nullptr;
    return 0;
  })
}
