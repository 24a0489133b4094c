// Tensor lifetime, metadata, creation, conversion, shape ops, generators and global settings.
#include "trm.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/GeneratorImpl.h>
#include <torch/version.h>

#include <cstring>

namespace trm {

at::ScalarType to_scalar_type(int code) {
  switch (code) {
    case 0: return at::kFloat;
    case 1: return at::kDouble;
    case 2: return at::kBFloat16;
    case 3: return at::kHalf;
    case 4: return at::kLong;
    case 5: return at::kInt;
    case 6: return at::kByte;
    case 7: return at::kBool;
    default: throw std::invalid_argument("unknown dtype code " + std::to_string(code));
  }
}

int from_scalar_type(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return 0;
    case at::kDouble: return 1;
    case at::kBFloat16: return 2;
    case at::kHalf: return 3;
    case at::kLong: return 4;
    case at::kInt: return 5;
    case at::kByte: return 6;
    case at::kBool: return 7;
    default: return -1;
  }
}

at::Device to_device(int type, int index) {
  if (type == 0) return at::Device(at::kCPU);
  if (type == 1) return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
  throw std::invalid_argument("unknown device type code " + std::to_string(type));
}

std::vector<at::Tensor> unwrap_list(const TrmTensor* items, int n) {
  std::vector<at::Tensor> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(*items[i]);
  return out;
}

}  // namespace trm

using trm::wrap;
using namespace trm::ops;

static at::TensorOptions options(int dtype, int device_type, int device_index) {
  return at::TensorOptions().dtype(trm::to_scalar_type(dtype)).device(trm::to_device(device_type, device_index));
}

// ---- lifetime and metadata ----

TRM_API void trm_tensor_free(TrmTensor t) { delete t; }

TRM_API TrmTensor trm_tensor_alias(TrmTensor t) { TRM_GUARD(nullptr, return wrap(*t);) }

TRM_API int trm_tensor_dim(TrmTensor t) { TRM_GUARD(-1, return static_cast<int>(t->dim());) }

TRM_API int trm_tensor_shape(TrmTensor t, int64_t* out) {
  TRM_GUARD(-1, {
    auto s = t->sizes();
    for (size_t i = 0; i < s.size(); ++i) out[i] = s[i];
    return 0;
  })
}

TRM_API int trm_tensor_dtype(TrmTensor t) { TRM_GUARD(-1, return trm::from_scalar_type(t->scalar_type());) }

TRM_API int trm_tensor_device(TrmTensor t, int* index) {
  TRM_GUARD(-1, {
    auto d = t->device();
    *index = d.has_index() ? d.index() : 0;
    return d.is_cuda() ? 1 : (d.is_cpu() ? 0 : 2);
  })
}

TRM_API int trm_tensor_requires_grad(TrmTensor t) { TRM_GUARD(-1, return t->requires_grad() ? 1 : 0;) }

TRM_API int trm_tensor_set_requires_grad(TrmTensor t, int on) {
  TRM_GUARD(-1, {
    t->set_requires_grad(on != 0);
    return 0;
  })
}

TRM_API int trm_tensor_is_leaf(TrmTensor t) { TRM_GUARD(-1, return t->is_leaf() ? 1 : 0;) }

// ---- creation ----

// Copies `shape`-many elements of `dtype` from caller memory into a new CPU tensor (one copy), then moves it to the device.
TRM_API TrmTensor trm_tensor_from_data(const void* data, const int64_t* shape, int ndim, int dtype, int device_type, int device_index) {
  TRM_GUARD(nullptr, {
    auto st = trm::to_scalar_type(dtype);
    auto t = at::empty(trm::dims(shape, ndim), at::TensorOptions().dtype(st));
    if (t.numel() > 0) std::memcpy(t.data_ptr(), data, t.numel() * t.element_size());
    if (device_type != 0) t = t.to(trm::to_device(device_type, device_index));
    return wrap(std::move(t));
  })
}

// Copies the tensor's elements (made contiguous and moved to CPU) into caller memory of `nbytes` bytes.
TRM_API int trm_tensor_copy_to(TrmTensor t, void* dst, int64_t nbytes) {
  TRM_GUARD(-1, {
    auto c = t->device().is_cpu() ? t->contiguous() : t->to(at::kCPU).contiguous();
    int64_t need = c.numel() * static_cast<int64_t>(c.element_size());
    if (need != nbytes) throw std::invalid_argument("destination holds " + std::to_string(nbytes) + " bytes but the tensor has " + std::to_string(need));
    if (need > 0) std::memcpy(dst, c.data_ptr(), need);
    return 0;
  })
}

// kind: a FactoryKind code (trm_ops.def); value is the fill of full.
TRM_API TrmTensor trm_tensor_new(int kind, const int64_t* shape, int ndim, double value, int dtype, int device_type, int device_index) {
  TRM_GUARD(nullptr, {
    auto o = options(dtype, device_type, device_index);
    auto s = trm::dims(shape, ndim);
    switch (static_cast<FactoryKind>(kind)) {
      case FactoryKind::Empty: return wrap(at::empty(s, o));
      case FactoryKind::Zeros: return wrap(at::zeros(s, o));
      case FactoryKind::Ones: return wrap(at::ones(s, o));
      case FactoryKind::Full: return wrap(at::full(s, value, o));
    }
    throw trm::unknown_op("tensor_new", kind);
  })
}

// kind: a LikeKind code (trm_ops.def); value is the fill of full_like.
TRM_API TrmTensor trm_tensor_like(TrmTensor t, int kind, double value) {
  TRM_GUARD(nullptr, {
    switch (static_cast<LikeKind>(kind)) {
      case LikeKind::ZerosLike: return wrap(at::zeros_like(*t));
      case LikeKind::OnesLike: return wrap(at::ones_like(*t));
      case LikeKind::EmptyLike: return wrap(at::empty_like(*t));
      case LikeKind::FullLike: return wrap(at::full_like(*t, value));
      case LikeKind::RandnLike: return wrap(at::randn_like(*t));
      case LikeKind::RandLike: return wrap(at::rand_like(*t));
    }
    throw trm::unknown_op("tensor_like", kind);
  })
}

TRM_API TrmTensor trm_tensor_arange(double start, double end, double step, int dtype, int device_type, int device_index) {
  TRM_GUARD(nullptr, return wrap(at::arange(start, end, step, options(dtype, device_type, device_index)));)
}

// kind: a RandomKind code (trm_ops.def); randint draws from [low, high).
TRM_API TrmTensor trm_tensor_random(int kind, const int64_t* shape, int ndim, int64_t low, int64_t high, TrmGenerator g, int dtype,
                                    int device_type, int device_index) {
  TRM_GUARD(nullptr, {
    auto o = options(dtype, device_type, device_index);
    auto s = trm::dims(shape, ndim);
    c10::optional<at::Generator> gen;
    if (g) gen = *g;
    switch (static_cast<RandomKind>(kind)) {
      case RandomKind::Randn: return wrap(at::randn(s, gen, o));
      case RandomKind::Rand: return wrap(at::rand(s, gen, o));
      case RandomKind::RandInt: return wrap(at::randint(low, high, s, gen, o));
    }
    throw trm::unknown_op("tensor_random", kind);
  })
}

// ---- conversion ----

TRM_API TrmTensor trm_tensor_to(TrmTensor t, int device_type, int device_index, int dtype, int copy) {
  TRM_GUARD(nullptr, {
    auto st = dtype < 0 ? t->scalar_type() : trm::to_scalar_type(dtype);
    auto dev = device_type < 0 ? t->device() : trm::to_device(device_type, device_index);
    return wrap(t->to(dev, st, /*non_blocking=*/false, copy != 0));
  })
}

TRM_API int trm_tensor_item(TrmTensor t, double* out_double, int64_t* out_long) {
  TRM_GUARD(-1, {
    auto s = t->item();
    if (s.isFloatingPoint()) {
      *out_double = s.toDouble();
      *out_long = static_cast<int64_t>(*out_double);
    } else if (s.isBoolean()) {
      *out_long = s.toBool() ? 1 : 0;
      *out_double = static_cast<double>(*out_long);
    } else {
      *out_long = s.toLong();
      *out_double = static_cast<double>(*out_long);
    }
    return 0;
  })
}

TRM_API TrmTensor trm_tensor_clone(TrmTensor t) { TRM_GUARD(nullptr, return wrap(t->clone());) }
TRM_API TrmTensor trm_tensor_contiguous(TrmTensor t) { TRM_GUARD(nullptr, return wrap(t->contiguous());) }

// ---- shape ops ----

TRM_API TrmTensor trm_view(TrmTensor t, const int64_t* shape, int n) { TRM_GUARD(nullptr, return wrap(t->view(trm::dims(shape, n)));) }
TRM_API TrmTensor trm_reshape(TrmTensor t, const int64_t* shape, int n) { TRM_GUARD(nullptr, return wrap(t->reshape(trm::dims(shape, n)));) }
TRM_API TrmTensor trm_permute(TrmTensor t, const int64_t* order, int n) { TRM_GUARD(nullptr, return wrap(t->permute(trm::dims(order, n)));) }
TRM_API TrmTensor trm_expand(TrmTensor t, const int64_t* shape, int n) { TRM_GUARD(nullptr, return wrap(t->expand(trm::dims(shape, n)));) }
TRM_API TrmTensor trm_transpose(TrmTensor t, int64_t a, int64_t b) { TRM_GUARD(nullptr, return wrap(t->transpose(a, b));) }
TRM_API TrmTensor trm_squeeze(TrmTensor t, int64_t dim, int all) {
  TRM_GUARD(nullptr, return wrap(all ? t->squeeze() : t->squeeze(dim));)
}
TRM_API TrmTensor trm_unsqueeze(TrmTensor t, int64_t dim) { TRM_GUARD(nullptr, return wrap(t->unsqueeze(dim));) }
TRM_API TrmTensor trm_flatten(TrmTensor t, int64_t start, int64_t end) { TRM_GUARD(nullptr, return wrap(t->flatten(start, end));) }
TRM_API TrmTensor trm_narrow(TrmTensor t, int64_t dim, int64_t start, int64_t length) {
  TRM_GUARD(nullptr, return wrap(t->narrow(dim, start, length));)
}
TRM_API TrmTensor trm_slice(TrmTensor t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  TRM_GUARD(nullptr, return wrap(t->slice(dim, start, end, step));)
}
TRM_API TrmTensor trm_select(TrmTensor t, int64_t dim, int64_t index) { TRM_GUARD(nullptr, return wrap(t->select(dim, index));) }
TRM_API TrmTensor trm_index_select(TrmTensor t, int64_t dim, TrmTensor index) {
  TRM_GUARD(nullptr, return wrap(t->index_select(dim, *index));)
}
TRM_API TrmTensor trm_gather(TrmTensor t, int64_t dim, TrmTensor index) { TRM_GUARD(nullptr, return wrap(t->gather(dim, *index));) }
// add: 0 scatter, 1 scatter_add
TRM_API TrmTensor trm_scatter(TrmTensor t, int64_t dim, TrmTensor index, TrmTensor src, int add) {
  TRM_GUARD(nullptr, return wrap(add ? t->scatter_add(dim, *index, *src) : t->scatter(dim, *index, *src));)
}
TRM_API TrmTensor trm_masked_fill(TrmTensor t, TrmTensor mask, double value) {
  TRM_GUARD(nullptr, return wrap(t->masked_fill(*mask, value));)
}
TRM_API TrmTensor trm_masked_select(TrmTensor t, TrmTensor mask) { TRM_GUARD(nullptr, return wrap(t->masked_select(*mask));) }
TRM_API TrmTensor trm_where(TrmTensor cond, TrmTensor a, TrmTensor b) { TRM_GUARD(nullptr, return wrap(at::where(*cond, *a, *b));) }
TRM_API TrmTensor trm_where_scalar(TrmTensor cond, TrmTensor a, double b) {
  TRM_GUARD(nullptr, return wrap(at::where(*cond, *a, at::scalar_tensor(b, a->options())));)
}
TRM_API TrmTensor trm_cat(const TrmTensor* items, int n, int64_t dim) { TRM_GUARD(nullptr, return wrap(at::cat(trm::unwrap_list(items, n), dim));) }
TRM_API TrmTensor trm_stack(const TrmTensor* items, int n, int64_t dim) {
  TRM_GUARD(nullptr, return wrap(at::stack(trm::unwrap_list(items, n), dim));)
}
TRM_API TrmTensor trm_pad(TrmTensor t, const int64_t* pad, int n, double value) {
  TRM_GUARD(nullptr, return wrap(at::constant_pad_nd(*t, trm::dims(pad, n), value));)
}
TRM_API TrmTensor trm_repeat(TrmTensor t, const int64_t* reps, int n) { TRM_GUARD(nullptr, return wrap(t->repeat(trm::dims(reps, n)));) }
TRM_API TrmTensor trm_tril(TrmTensor t, int64_t diagonal, int upper) {
  TRM_GUARD(nullptr, return wrap(upper ? t->triu(diagonal) : t->tril(diagonal));)
}

// Splits into pieces; returns a malloc'd array of handles (free the array with trm_free) and its length in *count.
// mode: a SplitMode code (trm_ops.def): split(size = arg), chunk(chunks = arg), unbind.
TRM_API TrmTensor* trm_split(TrmTensor t, int mode, int64_t arg, int64_t dim, int* count) {
  TRM_GUARD(nullptr, {
    std::vector<at::Tensor> parts;
    switch (static_cast<SplitMode>(mode)) {
      case SplitMode::Split: parts = t->split(arg, dim); break;
      case SplitMode::Chunk: parts = t->chunk(arg, dim); break;
      case SplitMode::Unbind: parts = t->unbind(dim); break;
      default: throw trm::unknown_op("split", mode);
    }
    auto* out = static_cast<TrmTensor*>(std::malloc(sizeof(TrmTensor) * std::max<size_t>(parts.size(), 1)));
    if (!out) throw std::bad_alloc();
    for (size_t i = 0; i < parts.size(); ++i) out[i] = wrap(std::move(parts[i]));
    *count = static_cast<int>(parts.size());
    return out;
  })
}

// ---- generators and global settings ----

TRM_API TrmGenerator trm_generator_new(int64_t seed) {
  TRM_GUARD(nullptr, {
    auto g = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(seed));
    return new at::Generator(std::move(g));
  })
}
TRM_API void trm_generator_free(TrmGenerator g) { delete g; }
TRM_API TrmTensor trm_generator_get_state(TrmGenerator g) {
  TRM_GUARD(nullptr, {
    std::lock_guard<std::mutex> lock(g->mutex());
    return wrap(g->get_state());
  })
}
TRM_API int trm_generator_set_state(TrmGenerator g, TrmTensor state) {
  TRM_GUARD(-1, {
    std::lock_guard<std::mutex> lock(g->mutex());
    g->set_state(*state);
    return 0;
  })
}
TRM_API int trm_generator_seed(TrmGenerator g, int64_t* seed) {
  TRM_GUARD(-1, {
    *seed = static_cast<int64_t>(g->current_seed());
    return 0;
  })
}

TRM_API int trm_manual_seed(int64_t seed) {
  TRM_GUARD(-1, {
    auto gen = at::detail::getDefaultCPUGenerator();
    {
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_current_seed(static_cast<uint64_t>(seed));
    }
    if (at::globalContext().hasCUDA()) {
      int n = static_cast<int>(at::detail::getCUDAHooks().getNumGPUs());
      for (int i = 0; i < n; ++i) {
        auto cuda_gen = at::globalContext().defaultGenerator(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(i)));
        std::lock_guard<std::mutex> lock(cuda_gen.mutex());
        cuda_gen.set_current_seed(static_cast<uint64_t>(seed));
      }
    }
    return 0;
  })
}

TRM_API int trm_set_num_threads(int n) {
  TRM_GUARD(-1, {
    at::set_num_threads(n);
    trm::set_blas_threads(n);  // libtorch leaves OpenBLAS's pool at its own size
    return 0;
  })
}
TRM_API int trm_get_num_threads() { TRM_GUARD(-1, return at::get_num_threads();) }

TRM_API const char* trm_torch_version() { return TORCH_VERSION; }

// param.data = src: swaps the storage/device/dtype of t while keeping the handle (and autograd leaf identity).
TRM_API int trm_tensor_set_data(TrmTensor t, TrmTensor src) {
  TRM_GUARD(-1, {
    t->set_data(*src);
    return 0;
  })
}

// Raw pointer to the first element of a CPU tensor (callers make it contiguous first).
TRM_API void* trm_tensor_data_ptr(TrmTensor t) {
  TRM_GUARD(nullptr, {
    if (!t->device().is_cpu()) throw std::invalid_argument("data_ptr: tensor is not on the CPU");
    if (!t->is_contiguous()) throw std::invalid_argument("data_ptr: tensor is not contiguous");
    return t->data_ptr();
  })
}

TRM_API TrmTensor trm_as_strided(TrmTensor t, const int64_t* sizes, const int64_t* strides, int n, int64_t offset) {
  TRM_GUARD(nullptr, return wrap(t->as_strided(trm::dims(sizes, n), trm::dims(strides, n), offset));)
}
