// Optimizer updates over a whole parameter group in one call, gradient clipping and list helpers.
#include "trm.h"

#include <c10/core/GradMode.h>

#include <cmath>

namespace {

// Per-tensor AdamW: one update per parameter (what PyTorch's single-tensor path does).
void adamw_loop(std::vector<at::Tensor>& p, std::vector<at::Tensor>& g, std::vector<at::Tensor>& m, std::vector<at::Tensor>& v,
                const std::vector<int64_t>& steps, double lr, double beta1, double beta2, double eps, double weight_decay) {
  for (size_t i = 0; i < p.size(); ++i) {
    if (weight_decay != 0) p[i].mul_(1.0 - lr * weight_decay);
    m[i].lerp_(g[i], 1.0 - beta1);
    v[i].mul_(beta2).addcmul_(g[i], g[i], 1.0 - beta2);
    double bc1 = 1.0 - std::pow(beta1, static_cast<double>(steps[i]));
    double bc2 = 1.0 - std::pow(beta2, static_cast<double>(steps[i]));
    auto denom = (v[i].sqrt() / std::sqrt(bc2)).add_(eps);
    p[i].addcdiv_(m[i], denom, -lr / bc1);
  }
}

// Multi-tensor AdamW with at::_foreach_* (a handful of fused launches per group on CUDA, as PyTorch's foreach path).
void adamw_foreach(std::vector<at::Tensor>& p, std::vector<at::Tensor>& g, std::vector<at::Tensor>& m, std::vector<at::Tensor>& v,
                   const std::vector<int64_t>& steps, double lr, double beta1, double beta2, double eps, double weight_decay) {
  std::vector<at::Scalar> inv_bc2_sqrt, neg_step_size;
  for (int64_t s : steps) {
    double bc1 = 1.0 - std::pow(beta1, static_cast<double>(s));
    double bc2 = 1.0 - std::pow(beta2, static_cast<double>(s));
    inv_bc2_sqrt.emplace_back(std::sqrt(bc2));
    neg_step_size.emplace_back(-lr / bc1);
  }
  if (weight_decay != 0) at::_foreach_mul_(p, 1.0 - lr * weight_decay);
  at::_foreach_mul_(m, beta1);
  at::_foreach_add_(m, g, 1.0 - beta1);
  at::_foreach_mul_(v, beta2);
  at::_foreach_addcmul_(v, g, g, 1.0 - beta2);
  auto denom = at::_foreach_sqrt(v);
  at::_foreach_div_(denom, inv_bc2_sqrt);
  at::_foreach_add_(denom, eps);
  at::_foreach_addcdiv_(p, m, denom, neg_step_size);
}

}  // namespace

// AdamW (decoupled weight decay) over n parameters. exp_avg/exp_avg_sq are caller-owned state tensors shaped like the params;
// steps[i] is the per-parameter step count, incremented here for every parameter that has a gradient.
// mode: 0 auto (multi-tensor _foreach ops when the group is on CUDA, per-tensor loop on the CPU), 1 loop, 2 foreach.
TRM_API int trm_adamw_step(const TrmTensor* params, const TrmTensor* exp_avg, const TrmTensor* exp_avg_sq, int64_t* steps, int n, double lr,
                           double beta1, double beta2, double eps, double weight_decay, int mode) {
  TRM_GUARD(-1, {
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> p, g, m, v;
    std::vector<int64_t> s;
    bool cuda = false;
    for (int i = 0; i < n; ++i) {
      const at::Tensor& grad = params[i]->grad();
      if (!grad.defined()) continue;
      p.push_back(*params[i]);
      g.push_back(grad);
      m.push_back(*exp_avg[i]);
      v.push_back(*exp_avg_sq[i]);
      s.push_back(++steps[i]);
      cuda = cuda || params[i]->is_cuda();
    }
    if (p.empty()) return 0;
    if (mode == 2 || (mode == 0 && cuda)) adamw_foreach(p, g, m, v, s, lr, beta1, beta2, eps, weight_decay);
    else adamw_loop(p, g, m, v, s, lr, beta1, beta2, eps, weight_decay);
    return 0;
  })
}

// SGD with optional momentum (dampening 0) and L2 weight decay, PyTorch semantics. momentum_buf[i] may be an empty
// tensor before the first step; it is then initialised to the gradient.
TRM_API int trm_sgd_step(const TrmTensor* params, const TrmTensor* momentum_buf, int n, double lr, double momentum, double weight_decay,
                         int nesterov) {
  TRM_GUARD(-1, {
    at::NoGradGuard no_grad;
    for (int i = 0; i < n; ++i) {
      at::Tensor& p = *params[i];
      if (!p.grad().defined()) continue;
      at::Tensor d = p.grad();
      if (weight_decay != 0) d = d.add(p, weight_decay);
      if (momentum != 0) {
        at::Tensor& buf = *momentum_buf[i];
        if (!buf.defined() || buf.numel() != d.numel()) buf = d.clone().detach();
        else buf.mul_(momentum).add_(d);
        d = nesterov ? d.add(buf, momentum) : buf;
      }
      p.add_(d, -lr);
    }
    return 0;
  })
}

// Scales gradients so that their global 2-norm is at most max_norm; writes the norm before clipping.
TRM_API int trm_clip_grad_norm(const TrmTensor* params, int n, double max_norm, double* total_norm) {
  TRM_GUARD(-1, {
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> norms;
    for (int i = 0; i < n; ++i) {
      const auto& g = params[i]->grad();
      if (g.defined()) norms.push_back(g.norm(2).to(at::kFloat));
    }
    if (norms.empty()) {
      *total_norm = 0;
      return 0;
    }
    auto total = at::stack(norms).norm(2);
    double tn = total.item<double>();
    *total_norm = tn;
    double coef = max_norm / (tn + 1e-6);
    if (coef < 1.0) {
      for (int i = 0; i < n; ++i) {
        auto& g = params[i]->mutable_grad();
        if (g.defined()) g.mul_(coef);
      }
    }
    return 0;
  })
}

// dst[i] = lerp(dst[i], src[i], weight) without autograd (EMA of weights).
TRM_API int trm_foreach_lerp_(const TrmTensor* dst, const TrmTensor* src, int n, double weight) {
  TRM_GUARD(-1, {
    at::NoGradGuard no_grad;
    for (int i = 0; i < n; ++i) dst[i]->lerp_(*src[i], weight);
    return 0;
  })
}

// dst[i].copy_(src[i]) without autograd.
TRM_API int trm_foreach_copy_(const TrmTensor* dst, const TrmTensor* src, int n) {
  TRM_GUARD(-1, {
    at::NoGradGuard no_grad;
    for (int i = 0; i < n; ++i) dst[i]->copy_(*src[i]);
    return 0;
  })
}
