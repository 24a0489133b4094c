// CUDA extras: device queries, synchronisation, caching-allocator statistics, autocast and CUDA graphs.
// Compiled for real only when TRM_WITH_CUDA is defined (a CUDA build of libtorch); otherwise each entry point
// reports "built without CUDA".
#include "trm.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

#ifdef TRM_WITH_CUDA
#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define TRM_AUTOCAST_NEW_API 1
#endif
#endif

using trm::guarded;

namespace {

#ifdef TRM_WITH_CUDA
struct Graph {
  at::cuda::CUDAGraph graph;
  c10::optional<c10::cuda::CUDAStreamGuard> stream_guard;
};
#else
[[noreturn]] int no_cuda() { throw std::runtime_error("trm_native was built without CUDA (libtorch has no CUDA support)"); }
#endif

}  // namespace

TRM_API int trm_cuda_compiled() {
#ifdef TRM_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}

TRM_API int trm_cuda_device_count() {
  return guarded(-1, [] {
    if (!at::globalContext().hasCUDA()) return 0;
    return static_cast<int>(at::detail::getCUDAHooks().getNumGPUs());
  });
}

TRM_API int trm_cuda_synchronize(int device) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_CUDA
    c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
    c10::cuda::device_synchronize();
    return 0;
#else
    return no_cuda();
#endif
  });
}

TRM_API int trm_cuda_empty_cache() {
  return guarded(-1, [] {
#ifdef TRM_WITH_CUDA
    c10::cuda::CUDACachingAllocator::emptyCache();
    return 0;
#else
    return no_cuda();
#endif
  });
}

// which: a MemoryStat code (trm_ops.def): current or peak bytes allocated or reserved. Aggregate pool statistics.
TRM_API int trm_cuda_memory_stat(int device, int which, int64_t* out) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_CUDA
    auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device));
    switch (static_cast<trm::ops::MemoryStat>(which)) {
      case trm::ops::MemoryStat::Allocated: *out = stats.allocated_bytes[0].current; return 0;
      case trm::ops::MemoryStat::Reserved: *out = stats.reserved_bytes[0].current; return 0;
      case trm::ops::MemoryStat::PeakAllocated: *out = stats.allocated_bytes[0].peak; return 0;
      case trm::ops::MemoryStat::PeakReserved: *out = stats.reserved_bytes[0].peak; return 0;
    }
    throw trm::unknown_op("cuda_memory_stat", which);
#else
    return no_cuda();
#endif
  });
}

TRM_API int trm_cuda_reset_peak(int device) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_CUDA
    c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(device));
    return 0;
#else
    return no_cuda();
#endif
  });
}

// Enters CUDA autocast with the given dtype code; writes the previous state so that exit can restore it.
TRM_API int trm_autocast_enter(int dtype, int* prev_enabled, int* prev_dtype) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_CUDA
#ifdef TRM_AUTOCAST_NEW_API
    *prev_enabled = at::autocast::is_autocast_enabled(at::kCUDA) ? 1 : 0;
    *prev_dtype = trm::from_scalar_type(at::autocast::get_autocast_dtype(at::kCUDA));
    at::autocast::set_autocast_enabled(at::kCUDA, true);
    at::autocast::set_autocast_dtype(at::kCUDA, trm::to_scalar_type(dtype));
#else
    *prev_enabled = at::autocast::is_enabled() ? 1 : 0;
    *prev_dtype = trm::from_scalar_type(at::autocast::get_autocast_gpu_dtype());
    at::autocast::set_enabled(true);
    at::autocast::set_autocast_gpu_dtype(trm::to_scalar_type(dtype));
#endif
    at::autocast::increment_nesting();
    return 0;
#else
    return no_cuda();
#endif
  });
}

TRM_API int trm_autocast_exit(int prev_enabled, int prev_dtype) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_CUDA
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    auto dtype = trm::to_scalar_type(prev_dtype < 0 ? 3 : prev_dtype);
#ifdef TRM_AUTOCAST_NEW_API
    at::autocast::set_autocast_enabled(at::kCUDA, prev_enabled != 0);
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
    at::autocast::set_enabled(prev_enabled != 0);
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
    return 0;
#else
    return no_cuda();
#endif
  });
}

TRM_API void* trm_cuda_graph_new() {
  return guarded<void*>(nullptr, []() -> void* {
#ifdef TRM_WITH_CUDA
    return new Graph();
#else
    no_cuda();
#endif
  });
}

TRM_API void trm_cuda_graph_free(void* g) {
#ifdef TRM_WITH_CUDA
  try {
    delete static_cast<Graph*>(g);
  } catch (...) {
  }
#endif
}

// Starts capture on a side stream (capture is not allowed on the default stream); ops issued until capture_end are recorded.
TRM_API int trm_cuda_graph_capture_begin(void* g) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_CUDA
    auto* graph = static_cast<Graph*>(g);
    c10::cuda::device_synchronize();
    graph->stream_guard.emplace(c10::cuda::getStreamFromPool());
    graph->graph.capture_begin();
    return 0;
#else
    return no_cuda();
#endif
  });
}

TRM_API int trm_cuda_graph_capture_end(void* g) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_CUDA
    auto* graph = static_cast<Graph*>(g);
    try {
      graph->graph.capture_end();
    } catch (...) {
      graph->stream_guard.reset();
      throw;
    }
    graph->stream_guard.reset();
    return 0;
#else
    return no_cuda();
#endif
  });
}

TRM_API int trm_cuda_graph_replay(void* g) {
  return guarded(-1, [&] {
#ifdef TRM_WITH_CUDA
    static_cast<Graph*>(g)->graph.replay();
    return 0;
#else
    return no_cuda();
#endif
  });
}
