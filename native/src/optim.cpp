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
// mode: an AdamWMode code (trm_ops.def): auto (multi-tensor _foreach ops when the group is on CUDA, per-tensor loop on the
// CPU), loop or foreach.
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
    bool foreach = false;
    switch (static_cast<trm::ops::AdamWMode>(mode)) {
      case trm::ops::AdamWMode::Auto: foreach = cuda; break;
      case trm::ops::AdamWMode::Loop: foreach = false; break;
      case trm::ops::AdamWMode::ForEach: foreach = true; break;
      default: throw trm::unknown_op("adamw_step", mode);
    }
    if (p.empty()) return 0;
    if (foreach) adamw_foreach(p, g, m, v, s, lr, beta1, beta2, eps, weight_decay);
    else adamw_loop(p, g, m, v, s, lr, beta1, beta2, eps, weight_decay);
    return 0;
  })
}

// AdamATan2 (Everett et al. 2024; the optimizer of the TRM reference) over n parameters. For every parameter with a
// gradient, with its step count t = ++steps[i]:
//   p <- p * (1 - lr * wd);  m <- lerp(m, g, 1 - beta1);  v <- beta2 * v + (1 - beta2) * g^2
//   p <- p - lr * atan2(m / (1 - beta1^t), sqrt(v) / sqrt(1 - beta2^t))
TRM_API int trm_adam_atan2_step(const TrmTensor* params, const TrmTensor* exp_avg, const TrmTensor* exp_avg_sq, int64_t* steps, int n,
                                double lr, double beta1, double beta2, double weight_decay) {
  TRM_GUARD(-1, {
    at::NoGradGuard no_grad;
    for (int i = 0; i < n; ++i) {
      at::Tensor& p = *params[i];
      const at::Tensor& g = p.grad();
      if (!g.defined()) continue;
      const double t = static_cast<double>(++steps[i]);
      const double bc1 = 1.0 - std::pow(beta1, t);
      const double bc2_sqrt = std::sqrt(1.0 - std::pow(beta2, t));
      if (trm::fused_adam_atan2(p, g, *exp_avg[i], *exp_avg_sq[i], lr, beta1, beta2, weight_decay, bc1, bc2_sqrt)) continue;
      if (weight_decay != 0) p.mul_(1.0 - lr * weight_decay);
      exp_avg[i]->lerp_(g, 1.0 - beta1);
      exp_avg_sq[i]->mul_(beta2).addcmul_(g, g, 1.0 - beta2);
      p.add_(at::atan2(*exp_avg[i] / bc1, exp_avg_sq[i]->sqrt() / bc2_sqrt), -lr);
    }
    return 0;
  })
}

// Sign-SGD on the rows of an embedding table that a batch used (the reference's CastedSparseEmbeddingSignSGD_Distributed
// on one rank): local_grad [B, D] holds the gradients of the gathered rows, local_ids [B] their row ids. Gradients are
// summed per distinct id (sorted, as torch.unique), then each touched row takes
//   w[id] <- w[id] * (1 - lr * wd) - lr * sign(sum of its gradients)
// Rows the batch did not use are left alone. No state.
TRM_API int trm_sparse_sign_sgd_step(TrmTensor weights, TrmTensor local_grad, TrmTensor local_ids, double lr, double weight_decay) {
  TRM_GUARD(-1, {
    const at::Tensor& w = *weights;
    const at::Tensor& grad = *local_grad;
    if (w.dim() != 2 || grad.dim() != 2 || grad.size(1) != w.size(1) || local_ids->numel() != grad.size(0))
      throw std::invalid_argument("sparse_sign_sgd: expected weights [N, D], grad [B, D] and ids [B]; got weights " + c10::str(w.sizes()) +
                                  ", grad " + c10::str(grad.sizes()) + ", ids " + c10::str(local_ids->sizes()));
    at::NoGradGuard no_grad;
    auto ids = local_ids->reshape({-1}).to(w.device(), at::kLong);
    auto unique = at::_unique(ids, /*sorted=*/true, /*return_inverse=*/true);
    const at::Tensor& grad_ids = std::get<0>(unique);
    auto row_index = std::get<1>(unique).unsqueeze(-1).expand({ids.size(0), w.size(1)});
    auto summed = at::zeros({grad_ids.size(0), w.size(1)}, grad.options().device(w.device())).scatter_add(0, row_index, grad.to(w.device()));
    auto rows = w.index_select(0, grad_ids);
    auto updated = rows.mul(1.0 - lr * weight_decay).sub(summed.sign().to(rows.scalar_type()).mul(lr));
    w.index_put_({grad_ids}, updated);
    return 0;
  })
}

// SGD with optional momentum (dampening 0) and L2 weight decay, PyTorch semantics. momentum_buf[i] may be an empty
// tensor before the first step; it is then initialised to the gradient. steps[i] counts the updates of parameter i
// (incremented here for every parameter that has a gradient).
TRM_API int trm_sgd_step(const TrmTensor* params, const TrmTensor* momentum_buf, int64_t* steps, int n, double lr, double momentum,
                         double weight_decay, int nesterov) {
  TRM_GUARD(-1, {
    at::NoGradGuard no_grad;
    for (int i = 0; i < n; ++i) {
      at::Tensor& p = *params[i];
      if (!p.grad().defined()) continue;
      ++steps[i];
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
