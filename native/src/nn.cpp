// Neural-network functionals: linear, embedding, losses, dropout, normalisation and attention.
#include "trm.h"

#include <torch/version.h>

#include <cmath>
#include <limits>

using trm::wrap;

static c10::optional<at::Tensor> opt(TrmTensor t) {
  if (!t) return c10::nullopt;
  return *t;
}

TRM_API TrmTensor trm_linear(TrmTensor x, TrmTensor w, TrmTensor b) {
  TRM_GUARD(nullptr, return wrap(at::linear(*x, *w, opt(b)));)
}

TRM_API TrmTensor trm_embedding(TrmTensor indices, TrmTensor weight) {
  TRM_GUARD(nullptr, return wrap(at::embedding(*weight, *indices));)
}

// reduction: 0 none, 1 mean, 2 sum (at::Reduction order).
TRM_API TrmTensor trm_cross_entropy(TrmTensor logits, TrmTensor target, TrmTensor weight, int64_t ignore_index, int reduction,
                                    double label_smoothing) {
  TRM_GUARD(nullptr, return wrap(at::cross_entropy_loss(*logits, *target, opt(weight), reduction, ignore_index, label_smoothing));)
}

TRM_API TrmTensor trm_bce_with_logits(TrmTensor logits, TrmTensor target, TrmTensor weight, TrmTensor pos_weight, int reduction) {
  TRM_GUARD(nullptr, return wrap(at::binary_cross_entropy_with_logits(*logits, *target, opt(weight), opt(pos_weight), reduction));)
}

TRM_API TrmTensor trm_mse_loss(TrmTensor a, TrmTensor b, int reduction) { TRM_GUARD(nullptr, return wrap(at::mse_loss(*a, *b, reduction));) }

TRM_API TrmTensor trm_dropout(TrmTensor x, double p, int training) { TRM_GUARD(nullptr, return wrap(at::dropout(*x, p, training != 0));) }

// x * rsqrt(mean(x^2, -1) + eps), computed in float32 at least and cast back, optionally times weight.
at::Tensor trm::rms_norm(const at::Tensor& x, const at::Tensor* weight, double eps) {
  auto in_type = x.scalar_type();
  auto xf = (in_type == at::kHalf || in_type == at::kBFloat16) ? x.to(at::kFloat) : x;
  auto y = xf * (xf.square().mean(-1, /*keepdim=*/true) + eps).rsqrt();
  if (y.scalar_type() != in_type) y = y.to(in_type);
  if (weight) y = y * *weight;
  return y;
}

TRM_API TrmTensor trm_rms_norm(TrmTensor x, TrmTensor weight, double eps) { TRM_GUARD(nullptr, return wrap(trm::rms_norm(*x, weight, eps));) }

TRM_API TrmTensor trm_layer_norm(TrmTensor x, const int64_t* shape, int n, TrmTensor weight, TrmTensor bias, double eps) {
  TRM_GUARD(nullptr, return wrap(at::layer_norm(*x, trm::dims(shape, n), opt(weight), opt(bias), eps));)
}

// Attention over [..., L, D] queries and [..., S, D] keys/values. mask: optional bool (true = attend) or additive float mask.
// scale <= 0 means 1/sqrt(D). On libtorch >= 2 this is the fused kernel; on 1.13 it is composed from matmul and softmax.
TRM_API TrmTensor trm_sdpa(TrmTensor q, TrmTensor k, TrmTensor v, TrmTensor mask, double dropout_p, int is_causal, double scale) {
  TRM_GUARD(nullptr, {
    if (mask && is_causal) throw std::invalid_argument("scaled_dot_product_attention: pass either a mask or is_causal, not both");
#if TORCH_VERSION_MAJOR >= 2
    if (scale <= 0) return wrap(at::scaled_dot_product_attention(*q, *k, *v, opt(mask), dropout_p, is_causal != 0));
#endif
    int64_t L = q->size(-2), S = k->size(-2);
    double s = scale > 0 ? scale : 1.0 / std::sqrt(static_cast<double>(q->size(-1)));
    auto scores = at::matmul(*q, k->transpose(-2, -1)) * s;
    if (is_causal) {
      auto keep = at::ones({L, S}, q->options().dtype(at::kBool)).tril();
      scores = scores.masked_fill(keep.logical_not(), -std::numeric_limits<double>::infinity());
    } else if (mask) {
      if (mask->scalar_type() == at::kBool)
        scores = scores.masked_fill(mask->logical_not(), -std::numeric_limits<double>::infinity());
      else
        scores = scores + *mask;
    }
    auto attn = scores.softmax(-1);
    if (dropout_p > 0) attn = at::dropout(attn, dropout_p, true);
    return wrap(at::matmul(attn, *v));
  })
}
