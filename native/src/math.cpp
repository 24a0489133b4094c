// Elementwise math, comparisons, reductions, linear algebra, sorting and in-place updates.
#include "trm.h"

#include <cmath>
#include <limits>

using trm::wrap;

// A double from .NET becomes an integral scalar for integral tensors when it holds an integer, so `t + 1` keeps int64 as in PyTorch.
static at::Scalar scalar_for(const at::Tensor& t, double v) {
  if (!at::isFloatingType(t.scalar_type()) && !at::isComplexType(t.scalar_type()) && std::floor(v) == v &&
      std::fabs(v) < 9.0e15) {
    if (t.scalar_type() == at::kBool && (v == 0 || v == 1)) return at::Scalar(v != 0);
    return at::Scalar(static_cast<int64_t>(v));
  }
  return at::Scalar(v);
}

TRM_API TrmTensor trm_unary(TrmTensor t, int op) {
  TRM_GUARD(nullptr, {
    const at::Tensor& x = *t;
    switch (op) {
      case 0: return wrap(x.neg());
      case 1: return wrap(x.exp());
      case 2: return wrap(x.log());
      case 3: return wrap(x.sqrt());
      case 4: return wrap(x.rsqrt());
      case 5: return wrap(x.abs());
      case 6: return wrap(x.tanh());
      case 7: return wrap(x.sigmoid());
      case 8: return wrap(at::silu(x));
      case 9: return wrap(at::gelu(x));
      case 10: return wrap(x.relu());
      case 11: return wrap(x.square());
      case 12: return wrap(x.sign());
      case 13: return wrap(x.logical_not());
      case 14: return wrap(x.floor());
      case 15: return wrap(x.ceil());
      case 16: return wrap(x.round());
      case 17: return wrap(x.sin());
      case 18: return wrap(x.cos());
      case 19: return wrap(x.log1p());
      case 20: return wrap(x.expm1());
      case 21: return wrap(x.reciprocal());
      case 22: return wrap(x.isnan());
      case 23: return wrap(at::gelu(x, "tanh"));
      case 24: return wrap(at::softplus(x));
      case 25: return wrap(x.isinf());
      case 27: return wrap(x.erfinv());
      case 26: return wrap(x.logical_not().logical_not());  // to bool
      default: throw std::invalid_argument("unknown unary op " + std::to_string(op));
    }
  })
}

static at::Tensor binary(const at::Tensor& a, const at::Tensor& b, int op) {
  switch (op) {
    case 0: return a.add(b);
    case 1: return a.sub(b);
    case 2: return a.mul(b);
    case 3: return a.div(b);
    case 4: return a.pow(b);
    case 5: return a.eq(b);
    case 6: return a.ne(b);
    case 7: return a.lt(b);
    case 8: return a.le(b);
    case 9: return a.gt(b);
    case 10: return a.ge(b);
    case 11: return a.logical_and(b);
    case 12: return a.logical_or(b);
    case 13: return at::maximum(a, b);
    case 14: return at::minimum(a, b);
    case 15: return a.remainder(b);
    case 16: return a.div(b, "floor");
    case 17: return a.logical_xor(b);
    default: throw std::invalid_argument("unknown binary op " + std::to_string(op));
  }
}

TRM_API TrmTensor trm_binary(TrmTensor a, TrmTensor b, int op) { TRM_GUARD(nullptr, return wrap(binary(*a, *b, op));) }

TRM_API TrmTensor trm_add_alpha(TrmTensor a, TrmTensor b, double alpha) { TRM_GUARD(nullptr, return wrap(a->add(*b, alpha));) }

// ops 0..16 as trm_binary with a scalar right operand; 20 rsub (s - t), 21 rdiv (s / t), 22 rpow (s ^ t).
TRM_API TrmTensor trm_binary_scalar(TrmTensor t, double value, int op) {
  TRM_GUARD(nullptr, {
    const at::Tensor& x = *t;
    at::Scalar s = scalar_for(x, value);
    switch (op) {
      case 0: return wrap(x.add(s));
      case 1: return wrap(x.sub(s));
      case 2: return wrap(x.mul(s));
      case 3: return wrap(x.div(s));
      case 4: return wrap(x.pow(s));
      case 5: return wrap(x.eq(s));
      case 6: return wrap(x.ne(s));
      case 7: return wrap(x.lt(s));
      case 8: return wrap(x.le(s));
      case 9: return wrap(x.gt(s));
      case 10: return wrap(x.ge(s));
      case 13: return wrap(x.clamp_min(s));
      case 14: return wrap(x.clamp_max(s));
      case 15: return wrap(x.remainder(s));
      case 16: return wrap(x.div(s, "floor"));
      case 20: return wrap(at::rsub(x, s));
      case 21: return wrap(x.reciprocal().mul(s));
      case 22: return wrap(at::pow(s, x));
      default: throw std::invalid_argument("unknown scalar op " + std::to_string(op));
    }
  })
}

// op: 0 sum, 1 mean, 2 max (values), 3 min (values), 4 argmax, 5 argmin, 6 prod, 7 all, 8 any, 9 logsumexp.
// ndims == 0 reduces over all elements (argmax/argmin/prod/logsumexp need exactly one dim then ignored).
TRM_API TrmTensor trm_reduce(TrmTensor t, int op, const int64_t* dims, int ndims, int keepdim) {
  TRM_GUARD(nullptr, {
    const at::Tensor& x = *t;
    bool kd = keepdim != 0;
    auto d = trm::dims(dims, ndims);
    if (ndims == 0) {
      switch (op) {
        case 0: return wrap(x.sum());
        case 1: return wrap(x.mean());
        case 2: return wrap(x.max());
        case 3: return wrap(x.min());
        case 4: return wrap(x.argmax());
        case 5: return wrap(x.argmin());
        case 6: return wrap(x.prod());
        case 7: return wrap(x.all());
        case 8: return wrap(x.any());
        case 9: return wrap(x.flatten().logsumexp(0));
        default: break;
      }
    } else {
      switch (op) {
        case 0: return wrap(x.sum(d, kd));
        case 1: return wrap(x.mean(d, kd));
        case 2: return wrap(x.amax(d, kd));
        case 3: return wrap(x.amin(d, kd));
        case 4: return wrap(x.argmax(d[0], kd));
        case 5: return wrap(x.argmin(d[0], kd));
        case 6: return wrap(x.prod(d[0], kd));
        case 7: return wrap(x.all(d[0], kd));
        case 8: return wrap(x.any(d[0], kd));
        case 9: return wrap(x.logsumexp(d, kd));
        default: break;
      }
    }
    throw std::invalid_argument("unknown reduction " + std::to_string(op));
  })
}

TRM_API TrmTensor trm_var(TrmTensor t, const int64_t* dims, int ndims, int unbiased, int keepdim) {
  TRM_GUARD(nullptr, {
    if (ndims == 0) return wrap(t->var(unbiased != 0));
    return wrap(t->var(trm::dims(dims, ndims), unbiased != 0, keepdim != 0));
  })
}

TRM_API TrmTensor trm_norm(TrmTensor t, double p, const int64_t* dims, int ndims, int keepdim) {
  TRM_GUARD(nullptr, {
    if (ndims == 0) return wrap(t->norm(p));
    return wrap(t->norm(p, trm::dims(dims, ndims), keepdim != 0));
  })
}

// Max/min along one dim returning values and indices. op: 0 max, 1 min.
TRM_API int trm_max_dim(TrmTensor t, int op, int64_t dim, int keepdim, TrmTensor* values, TrmTensor* indices) {
  TRM_GUARD(-1, {
    auto r = op == 0 ? t->max(dim, keepdim != 0) : t->min(dim, keepdim != 0);
    *values = wrap(std::get<0>(r));
    *indices = wrap(std::get<1>(r));
    return 0;
  })
}

TRM_API TrmTensor trm_matmul(TrmTensor a, TrmTensor b) { TRM_GUARD(nullptr, return wrap(a->matmul(*b));) }
TRM_API TrmTensor trm_bmm(TrmTensor a, TrmTensor b) { TRM_GUARD(nullptr, return wrap(a->bmm(*b));) }
TRM_API TrmTensor trm_outer(TrmTensor a, TrmTensor b) { TRM_GUARD(nullptr, return wrap(at::outer(*a, *b));) }

// log: 0 softmax, 1 log_softmax
TRM_API TrmTensor trm_softmax(TrmTensor t, int64_t dim, int log) {
  TRM_GUARD(nullptr, return wrap(log ? t->log_softmax(dim) : t->softmax(dim));)
}

TRM_API TrmTensor trm_clamp(TrmTensor t, int has_min, double min, int has_max, double max) {
  TRM_GUARD(nullptr, {
    c10::optional<at::Scalar> lo, hi;
    if (has_min) lo = scalar_for(*t, min);
    if (has_max) hi = scalar_for(*t, max);
    return wrap(t->clamp(lo, hi));
  })
}

TRM_API int trm_topk(TrmTensor t, int64_t k, int64_t dim, int largest, int sorted, TrmTensor* values, TrmTensor* indices) {
  TRM_GUARD(-1, {
    auto r = t->topk(k, dim, largest != 0, sorted != 0);
    *values = wrap(std::get<0>(r));
    *indices = wrap(std::get<1>(r));
    return 0;
  })
}

TRM_API int trm_sort(TrmTensor t, int64_t dim, int descending, TrmTensor* values, TrmTensor* indices) {
  TRM_GUARD(-1, {
    auto r = t->sort(dim, descending != 0);
    *values = wrap(std::get<0>(r));
    *indices = wrap(std::get<1>(r));
    return 0;
  })
}

TRM_API TrmTensor trm_cumsum(TrmTensor t, int64_t dim) { TRM_GUARD(nullptr, return wrap(t->cumsum(dim));) }

TRM_API TrmTensor trm_multinomial(TrmTensor probs, int64_t n, int replacement, TrmGenerator g) {
  TRM_GUARD(nullptr, {
    c10::optional<at::Generator> gen;
    if (g) gen = *g;
    return wrap(at::multinomial(*probs, n, replacement != 0, gen));
  })
}

TRM_API int trm_allclose(TrmTensor a, TrmTensor b, double rtol, double atol) { TRM_GUARD(-1, return a->allclose(*b, rtol, atol) ? 1 : 0;) }
TRM_API int trm_equal(TrmTensor a, TrmTensor b) { TRM_GUARD(-1, return a->equal(*b) ? 1 : 0;) }

// ---- in place (autograd sees these as in-place ops) ----

// op: 0 add_, 1 mul_, 2 fill_, 3 div_, 4 sub_, 5 clamp_min_, 6 clamp_max_, 7 pow_
TRM_API int trm_inplace_scalar(TrmTensor t, int op, double value) {
  TRM_GUARD(-1, {
    at::Scalar s = scalar_for(*t, value);
    switch (op) {
      case 0: t->add_(s); break;
      case 1: t->mul_(s); break;
      case 2: t->fill_(s); break;
      case 3: t->div_(s); break;
      case 4: t->sub_(s); break;
      case 5: t->clamp_min_(s); break;
      case 6: t->clamp_max_(s); break;
      case 7: t->pow_(s); break;
      default: throw std::invalid_argument("unknown in-place scalar op " + std::to_string(op));
    }
    return 0;
  })
}

// op: 0 add_(other, alpha), 1 mul_, 2 copy_, 3 lerp_(other, weight = alpha), 4 div_, 5 sub_(other, alpha)
TRM_API int trm_inplace_tensor(TrmTensor t, TrmTensor other, int op, double alpha) {
  TRM_GUARD(-1, {
    switch (op) {
      case 0: t->add_(*other, alpha); break;
      case 1: t->mul_(*other); break;
      case 2: t->copy_(*other); break;
      case 3: t->lerp_(*other, alpha); break;
      case 4: t->div_(*other); break;
      case 5: t->sub_(*other, alpha); break;
      default: throw std::invalid_argument("unknown in-place tensor op " + std::to_string(op));
    }
    return 0;
  })
}

TRM_API int trm_zero_(TrmTensor t) {
  TRM_GUARD(-1, {
    t->zero_();
    return 0;
  })
}

// kind: 0 uniform_(a, b), 1 normal_(mean = a, std = b)
TRM_API int trm_random_(TrmTensor t, int kind, double a, double b, TrmGenerator g) {
  TRM_GUARD(-1, {
    c10::optional<at::Generator> gen;
    if (g) gen = *g;
    if (kind == 0) t->uniform_(a, b, gen);
    else t->normal_(a, b, gen);
    return 0;
  })
}

TRM_API int trm_masked_fill_(TrmTensor t, TrmTensor mask, double value) {
  TRM_GUARD(-1, {
    t->masked_fill_(*mask, scalar_for(*t, value));
    return 0;
  })
}

TRM_API int trm_index_put_(TrmTensor t, const TrmTensor* indices, int n, TrmTensor values, int accumulate) {
  TRM_GUARD(-1, {
    c10::List<c10::optional<at::Tensor>> idx;
    for (int i = 0; i < n; ++i) idx.push_back(c10::optional<at::Tensor>(*indices[i]));
    t->index_put_(idx, *values, accumulate != 0);
    return 0;
  })
}

TRM_API TrmTensor trm_index(TrmTensor t, const TrmTensor* indices, int n) {
  TRM_GUARD(nullptr, {
    c10::List<c10::optional<at::Tensor>> idx;
    for (int i = 0; i < n; ++i) idx.push_back(c10::optional<at::Tensor>(*indices[i]));
    return wrap(t->index(idx));
  })
}
