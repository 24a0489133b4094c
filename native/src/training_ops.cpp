// Kernels the trainer needs beyond the core surface: atan2, and the AdamATan2 update of a whole parameter group in
// one call (Everett et al. 2024; the optimizer of the TRM reference).
#include "trm.h"

#include <c10/core/GradMode.h>

#include <cmath>

TRM_API TrmTensor trm_atan2(TrmTensor y, TrmTensor x) { TRM_GUARD(nullptr, return trm::wrap(at::atan2(*y, *x));) }

// For every parameter with a gradient, at the (1-based) step `step`:
//   p <- p * (1 - lr * wd);  m <- lerp(m, g, 1 - beta1);  v <- beta2 * v + (1 - beta2) * g^2
//   p <- p - lr * atan2(m / (1 - beta1^step), sqrt(v) / sqrt(1 - beta2^step))
TRM_API int trm_adam_atan2_step(const TrmTensor* params, const TrmTensor* exp_avg, const TrmTensor* exp_avg_sq, int n, int64_t step,
                                double lr, double beta1, double beta2, double weight_decay) {
  TRM_GUARD(-1, {
    if (step < 1) throw std::invalid_argument("adam_atan2: step must be >= 1");
    at::NoGradGuard no_grad;
    const double bc1 = 1.0 - std::pow(beta1, static_cast<double>(step));
    const double bc2_sqrt = std::sqrt(1.0 - std::pow(beta2, static_cast<double>(step)));
    for (int i = 0; i < n; ++i) {
      at::Tensor& p = *params[i];
      const at::Tensor& g = p.grad();
      if (!g.defined()) continue;
      if (weight_decay != 0) p.mul_(1.0 - lr * weight_decay);
      exp_avg[i]->lerp_(g, 1.0 - beta1);
      exp_avg_sq[i]->mul_(beta2).addcmul_(g, g, 1.0 - beta2);
      p.add_(at::atan2(*exp_avg[i] / bc1, exp_avg_sq[i]->sqrt() / bc2_sqrt), -lr);
    }
    return 0;
  })
}
