// c10d process groups (the engine torchrun's DDP uses): Gloo on the CPU, with a file or TCP rendezvous store.
// Compiled when the Gloo headers are available (TRM_WITH_GLOO); otherwise every entry point reports it.
#include "trm.h"

#ifdef TRM_WITH_GLOO
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/version.h>
#if defined(TRM_WITH_CUDA) && defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#define TRM_WITH_NCCL 1
#endif
#endif

#include <chrono>
#include <string>

using trm::guarded;

namespace {

#ifdef TRM_WITH_GLOO
// Backends derive from c10d::ProcessGroup in 1.13 and from c10d::Backend from 2.0 on.
#if TORCH_VERSION_MAJOR >= 2
using BackendBase = ::c10d::Backend;
#else
using BackendBase = ::c10d::ProcessGroup;
#endif

struct Group {
  c10::intrusive_ptr<::c10d::Store> store;
  c10::intrusive_ptr<BackendBase> pg;
  int rank;
  int size;
};

// init: "file:///path" or "tcp://host:port" (rank 0 serves the TCP store).
c10::intrusive_ptr<::c10d::Store> make_store(const std::string& spec, int rank, int world_size, std::chrono::milliseconds timeout) {
  if (world_size < 1 || rank < 0 || rank >= world_size)
    throw std::invalid_argument("rank " + std::to_string(rank) + " is outside a world of size " + std::to_string(world_size));
  c10::intrusive_ptr<::c10d::Store> store;
  if (spec.rfind("file://", 0) == 0) {
    store = c10::make_intrusive<::c10d::FileStore>(spec.substr(7), world_size);
  } else if (spec.rfind("tcp://", 0) == 0) {
    std::string hp = spec.substr(6);
    auto colon = hp.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("tcp init method needs host:port, got '" + spec + "'");
    ::c10d::TCPStoreOptions o;
    o.port = static_cast<std::uint16_t>(std::stoi(hp.substr(colon + 1)));
    o.isServer = rank == 0;
    o.numWorkers = static_cast<std::size_t>(world_size);
    o.waitWorkers = true;
    o.timeout = timeout;
    store = c10::make_intrusive<::c10d::TCPStore>(hp.substr(0, colon), o);
  } else {
    throw std::invalid_argument("init method must start with file:// or tcp://, got '" + spec + "'");
  }
  store->setTimeout(timeout);
  return store;
}

Group* as_group(void* g) {
  if (!g) throw std::invalid_argument("process group handle is null");
  return static_cast<Group*>(g);
}

::c10d::ReduceOp reduce_op(int op) {
  using trm::ops::CollectiveOp;
  switch (static_cast<CollectiveOp>(op)) {
    case CollectiveOp::Sum: case CollectiveOp::Average: return ::c10d::ReduceOp::SUM;  // average: sum, then divide
    case CollectiveOp::Max: return ::c10d::ReduceOp::MAX;
    case CollectiveOp::Min: return ::c10d::ReduceOp::MIN;
    case CollectiveOp::Product: return ::c10d::ReduceOp::PRODUCT;
  }
  throw trm::unknown_op("all_reduce", op);
}
#else
[[noreturn]] int no_gloo() {
  throw std::runtime_error("trm_native was built without c10d/Gloo (install libgloo-dev, or use a libtorch that ships the Gloo headers)");
}
#endif

}  // namespace

TRM_API int trm_dist_available() {
#ifdef TRM_WITH_GLOO
  return 1;
#else
  return 0;
#endif
}

// init: "file:///path/to/store" (all ranks on one machine or a shared file system) or "tcp://host:port" (rank 0 serves).
// host: the address Gloo binds to ("" = the machine's hostname). timeout_ms bounds rendezvous and collectives.
TRM_API void* trm_pg_new_gloo(const char* init, int rank, int world_size, const char* host, int64_t timeout_ms) {
  return guarded<void*>(nullptr, [&]() -> void* {
#ifdef TRM_WITH_GLOO
    auto timeout = std::chrono::milliseconds(timeout_ms);
    auto group = std::make_unique<Group>();
    group->store = make_store(init ? init : "", rank, world_size, timeout);
    auto options = ::c10d::ProcessGroupGloo::Options::create(timeout);
    std::string h(host ? host : "");
    options->devices.push_back(h.empty() ? ::c10d::ProcessGroupGloo::createDefaultDevice()
                                         : ::c10d::ProcessGroupGloo::createDeviceForHostname(h));
    group->pg = c10::make_intrusive<::c10d::ProcessGroupGloo>(group->store, rank, world_size, options);
    group->rank = rank;
    group->size = world_size;
    return group.release();
#else
    no_gloo();
#endif
  });
}

TRM_API int trm_dist_nccl_available() {
#ifdef TRM_WITH_NCCL
  return 1;
#else
  return 0;
#endif
}

// NCCL group for CUDA tensors (each rank should use its own device, e.g. cuda:rank).
TRM_API void* trm_pg_new_nccl(const char* init, int rank, int world_size, int64_t timeout_ms) {
  return guarded<void*>(nullptr, [&]() -> void* {
#ifdef TRM_WITH_NCCL
    auto timeout = std::chrono::milliseconds(timeout_ms);
    auto group = std::make_unique<Group>();
    group->store = make_store(init ? init : "", rank, world_size, timeout);
    auto options = ::c10d::ProcessGroupNCCL::Options::create();
    options->timeout = timeout;
    group->pg = c10::make_intrusive<::c10d::ProcessGroupNCCL>(group->store, rank, world_size, options);
    group->rank = rank;
    group->size = world_size;
    return group.release();
#else
    throw std::runtime_error("trm_native was built without NCCL (needs a CUDA libtorch built with NCCL)");
#endif
  });
}

TRM_API void trm_pg_free(void* g) {
#ifdef TRM_WITH_GLOO
  try {
    delete static_cast<Group*>(g);
  } catch (...) {
  }
#endif
}

// In-place all-reduce of n tensors (same dtype and device): they are packed into one flat buffer, reduced, unpacked.
// op: a CollectiveOp code (trm_ops.def): sum, average, max, min, product.
TRM_API int trm_pg_allreduce(void* g, const TrmTensor* tensors, int n, int op) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_GLOO
    at::NoGradGuard no_grad;
    auto* group = as_group(g);
    if (n == 0) return 0;
    std::vector<at::Tensor> flat_parts;
    for (int i = 0; i < n; ++i) flat_parts.push_back(tensors[i]->reshape({-1}));
    std::vector<at::Tensor> buffer{n == 1 && tensors[0]->is_contiguous() ? *tensors[0] : at::cat(flat_parts)};
    ::c10d::AllreduceOptions opts;
    opts.reduceOp = reduce_op(op);
    group->pg->allreduce(buffer, opts)->wait();
    if (static_cast<trm::ops::CollectiveOp>(op) == trm::ops::CollectiveOp::Average) buffer[0].div_(group->size);
    if (!(n == 1 && tensors[0]->is_contiguous())) {
      int64_t offset = 0;
      for (int i = 0; i < n; ++i) {
        int64_t len = tensors[i]->numel();
        tensors[i]->copy_(buffer[0].narrow(0, offset, len).view(tensors[i]->sizes()));
        offset += len;
      }
    }
    return 0;
#else
    return no_gloo();
#endif
  });
}

TRM_API int trm_pg_broadcast(void* g, TrmTensor t, int root) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_GLOO
    at::NoGradGuard no_grad;
    std::vector<at::Tensor> ts{t->is_contiguous() ? *t : t->contiguous()};
    ::c10d::BroadcastOptions opts;
    opts.rootRank = root;
    as_group(g)->pg->broadcast(ts, opts)->wait();
    if (!t->is_contiguous()) t->copy_(ts[0]);
    return 0;
#else
    return no_gloo();
#endif
  });
}

TRM_API int trm_pg_barrier(void* g) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_GLOO
    as_group(g)->pg->barrier(::c10d::BarrierOptions())->wait();
    return 0;
#else
    return no_gloo();
#endif
  });
}

// Gathers `input` from every rank; writes world-size new handles to `outputs` (rank order).
TRM_API int trm_pg_allgather(void* g, TrmTensor input, TrmTensor* outputs) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_GLOO
    at::NoGradGuard no_grad;
    auto* group = as_group(g);
    std::vector<at::Tensor> in{input->contiguous()};
    std::vector<std::vector<at::Tensor>> out(1);
    for (int i = 0; i < group->size; ++i) out[0].push_back(at::empty_like(in[0]));
    group->pg->allgather(out, in, ::c10d::AllgatherOptions())->wait();
    for (int i = 0; i < group->size; ++i) outputs[i] = trm::wrap(out[0][i]);
    return 0;
#else
    return no_gloo();
#endif
  });
}
