// Elementwise math, comparisons, reductions, linear algebra, sorting and in-place updates.
#include "trm.h"

#include <cmath>
#include <limits>

using trm::wrap;
using namespace trm::ops;

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
    switch (static_cast<UnaryOp>(op)) {
      case UnaryOp::Neg: return wrap(x.neg());
      case UnaryOp::Exp: return wrap(x.exp());
      case UnaryOp::Log: return wrap(x.log());
      case UnaryOp::Sqrt: return wrap(x.sqrt());
      case UnaryOp::Rsqrt: return wrap(x.rsqrt());
      case UnaryOp::Abs: return wrap(x.abs());
      case UnaryOp::Tanh: return wrap(x.tanh());
      case UnaryOp::Sigmoid: return wrap(x.sigmoid());
      case UnaryOp::Silu: return wrap(at::silu(x));
      case UnaryOp::Gelu: return wrap(at::gelu(x));
      case UnaryOp::Relu: return wrap(x.relu());
      case UnaryOp::Square: return wrap(x.square());
      case UnaryOp::Sign: return wrap(x.sign());
      case UnaryOp::LogicalNot: return wrap(x.logical_not());
      case UnaryOp::Floor: return wrap(x.floor());
      case UnaryOp::Ceil: return wrap(x.ceil());
      case UnaryOp::Round: return wrap(x.round());
      case UnaryOp::Sin: return wrap(x.sin());
      case UnaryOp::Cos: return wrap(x.cos());
      case UnaryOp::Log1p: return wrap(x.log1p());
      case UnaryOp::Expm1: return wrap(x.expm1());
      case UnaryOp::Reciprocal: return wrap(x.reciprocal());
      case UnaryOp::IsNan: return wrap(x.isnan());
      case UnaryOp::GeluTanh: return wrap(at::gelu(x, "tanh"));
      case UnaryOp::Softplus: return wrap(at::softplus(x));
      case UnaryOp::IsInf: return wrap(x.isinf());
      case UnaryOp::Erfinv: return wrap(x.erfinv());
      case UnaryOp::ToBool: return wrap(x.logical_not().logical_not());  // to bool
    }
    throw trm::unknown_op("unary", op);
  })
}

static at::Tensor binary(const at::Tensor& a, const at::Tensor& b, int op) {
  switch (static_cast<BinaryOp>(op)) {
    case BinaryOp::Add: return a.add(b);
    case BinaryOp::Sub: return a.sub(b);
    case BinaryOp::Mul: return a.mul(b);
    case BinaryOp::Div: return a.div(b);
    case BinaryOp::Pow: return a.pow(b);
    case BinaryOp::Eq: return a.eq(b);
    case BinaryOp::Ne: return a.ne(b);
    case BinaryOp::Lt: return a.lt(b);
    case BinaryOp::Le: return a.le(b);
    case BinaryOp::Gt: return a.gt(b);
    case BinaryOp::Ge: return a.ge(b);
    case BinaryOp::LogicalAnd: return a.logical_and(b);
    case BinaryOp::LogicalOr: return a.logical_or(b);
    case BinaryOp::Maximum: return at::maximum(a, b);
    case BinaryOp::Minimum: return at::minimum(a, b);
    case BinaryOp::Remainder: return a.remainder(b);
    case BinaryOp::FloorDivide: return a.div(b, "floor");
    case BinaryOp::LogicalXor: return a.logical_xor(b);
  }
  throw trm::unknown_op("binary", op);
}

TRM_API TrmTensor trm_binary(TrmTensor a, TrmTensor b, int op) { TRM_GUARD(nullptr, return wrap(binary(*a, *b, op));) }

TRM_API TrmTensor trm_add_alpha(TrmTensor a, TrmTensor b, double alpha) { TRM_GUARD(nullptr, return wrap(a->add(*b, alpha));) }

// op: a ScalarOp code (trm_ops.def): as trm_binary with a scalar right operand, or reversed (rsub s - t, rdiv s / t, rpow s ^ t).
TRM_API TrmTensor trm_binary_scalar(TrmTensor t, double value, int op) {
  TRM_GUARD(nullptr, {
    const at::Tensor& x = *t;
    at::Scalar s = scalar_for(x, value);
    switch (static_cast<ScalarOp>(op)) {
      case ScalarOp::Add: return wrap(x.add(s));
      case ScalarOp::Sub: return wrap(x.sub(s));
      case ScalarOp::Mul: return wrap(x.mul(s));
      case ScalarOp::Div: return wrap(x.div(s));
      case ScalarOp::Pow: return wrap(x.pow(s));
      case ScalarOp::Eq: return wrap(x.eq(s));
      case ScalarOp::Ne: return wrap(x.ne(s));
      case ScalarOp::Lt: return wrap(x.lt(s));
      case ScalarOp::Le: return wrap(x.le(s));
      case ScalarOp::Gt: return wrap(x.gt(s));
      case ScalarOp::Ge: return wrap(x.ge(s));
      case ScalarOp::ClampMin: return wrap(x.clamp_min(s));
      case ScalarOp::ClampMax: return wrap(x.clamp_max(s));
      case ScalarOp::Remainder: return wrap(x.remainder(s));
      case ScalarOp::FloorDivide: return wrap(x.div(s, "floor"));
      case ScalarOp::ReverseSub: return wrap(at::rsub(x, s));
      case ScalarOp::ReverseDiv: return wrap(x.reciprocal().mul(s));
      case ScalarOp::ReversePow: return wrap(at::pow(s, x));
    }
    throw trm::unknown_op("binary_scalar", op);
  })
}

// op: a ReductionOp code (trm_ops.def); max/min return values.
// ndims == 0 reduces over all elements (argmax/argmin/prod/logsumexp need exactly one dim then ignored).
TRM_API TrmTensor trm_reduce(TrmTensor t, int op, const int64_t* dims, int ndims, int keepdim) {
  TRM_GUARD(nullptr, {
    const at::Tensor& x = *t;
    bool kd = keepdim != 0;
    auto d = trm::dims(dims, ndims);
    if (ndims == 0) {
      switch (static_cast<ReductionOp>(op)) {
        case ReductionOp::Sum: return wrap(x.sum());
        case ReductionOp::Mean: return wrap(x.mean());
        case ReductionOp::Max: return wrap(x.max());
        case ReductionOp::Min: return wrap(x.min());
        case ReductionOp::ArgMax: return wrap(x.argmax());
        case ReductionOp::ArgMin: return wrap(x.argmin());
        case ReductionOp::Prod: return wrap(x.prod());
        case ReductionOp::All: return wrap(x.all());
        case ReductionOp::Any: return wrap(x.any());
        case ReductionOp::LogSumExp: return wrap(x.flatten().logsumexp(0));
      }
    } else {
      switch (static_cast<ReductionOp>(op)) {
        case ReductionOp::Sum: return wrap(x.sum(d, kd));
        case ReductionOp::Mean: return wrap(x.mean(d, kd));
        case ReductionOp::Max: return wrap(x.amax(d, kd));
        case ReductionOp::Min: return wrap(x.amin(d, kd));
        case ReductionOp::ArgMax: return wrap(x.argmax(d[0], kd));
        case ReductionOp::ArgMin: return wrap(x.argmin(d[0], kd));
        case ReductionOp::Prod: return wrap(x.prod(d[0], kd));
        case ReductionOp::All: return wrap(x.all(d[0], kd));
        case ReductionOp::Any: return wrap(x.any(d[0], kd));
        case ReductionOp::LogSumExp: return wrap(x.logsumexp(d, kd));
      }
    }
    throw trm::unknown_op("reduce", op);
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

TRM_API TrmTensor trm_atan2(TrmTensor y, TrmTensor x) { TRM_GUARD(nullptr, return wrap(at::atan2(*y, *x));) }

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

// op: an InplaceScalarOp code (trm_ops.def).
TRM_API int trm_inplace_scalar(TrmTensor t, int op, double value) {
  TRM_GUARD(-1, {
    at::Scalar s = scalar_for(*t, value);
    switch (static_cast<InplaceScalarOp>(op)) {
      case InplaceScalarOp::Add: t->add_(s); return 0;
      case InplaceScalarOp::Mul: t->mul_(s); return 0;
      case InplaceScalarOp::Fill: t->fill_(s); return 0;
      case InplaceScalarOp::Div: t->div_(s); return 0;
      case InplaceScalarOp::Sub: t->sub_(s); return 0;
      case InplaceScalarOp::ClampMin: t->clamp_min_(s); return 0;
      case InplaceScalarOp::ClampMax: t->clamp_max_(s); return 0;
      case InplaceScalarOp::Pow: t->pow_(s); return 0;
    }
    throw trm::unknown_op("inplace_scalar", op);
  })
}

// op: an InplaceTensorOp code (trm_ops.def); alpha scales `other` for add_/sub_ and is the weight of lerp_.
TRM_API int trm_inplace_tensor(TrmTensor t, TrmTensor other, int op, double alpha) {
  TRM_GUARD(-1, {
    switch (static_cast<InplaceTensorOp>(op)) {
      case InplaceTensorOp::Add: t->add_(*other, alpha); return 0;
      case InplaceTensorOp::Mul: t->mul_(*other); return 0;
      case InplaceTensorOp::Copy: t->copy_(*other); return 0;
      case InplaceTensorOp::Lerp: t->lerp_(*other, alpha); return 0;
      case InplaceTensorOp::Div: t->div_(*other); return 0;
      case InplaceTensorOp::Sub: t->sub_(*other, alpha); return 0;
    }
    throw trm::unknown_op("inplace_tensor", op);
  })
}

TRM_API int trm_zero_(TrmTensor t) {
  TRM_GUARD(-1, {
    t->zero_();
    return 0;
  })
}

// kind: a FillKind code (trm_ops.def): uniform_(a, b) or normal_(mean = a, std = b).
TRM_API int trm_random_(TrmTensor t, int kind, double a, double b, TrmGenerator g) {
  TRM_GUARD(-1, {
    c10::optional<at::Generator> gen;
    if (g) gen = *g;
    switch (static_cast<FillKind>(kind)) {
      case FillKind::Uniform: t->uniform_(a, b, gen); return 0;
      case FillKind::Normal: t->normal_(a, b, gen); return 0;
    }
    throw trm::unknown_op("random_", kind);
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
