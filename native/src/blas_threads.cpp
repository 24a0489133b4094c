// The BLAS thread pool. libtorch's set_num_threads sizes its own OpenMP pool (and MKL's), but Debian's libtorch calls
// OpenBLAS, whose pthread build keeps a separate pool sized to the machine (or OPENBLAS_NUM_THREADS). Left alone, a
// "1 thread" run still multiplies matrices on every core, and its idle BLAS threads spin-wait: on a busy machine that
// both wastes CPU and makes timings erratic. These helpers reach OpenBLAS (when it is the loaded BLAS) by name.
#include "trm.h"

#include <dlfcn.h>

namespace {
template <class Fn>
Fn openblas_symbol(const char* name) {
  for (const char* lib : {"libopenblas.so.0", "libopenblas.so", "libblas.so.3"}) {
    void* handle = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD);  // only a library that is already loaded
    if (!handle) continue;
    void* symbol = dlsym(handle, name);
    dlclose(handle);
    if (symbol) return reinterpret_cast<Fn>(symbol);
  }
  return nullptr;
}
}  // namespace

namespace trm {
void set_blas_threads(int n) {
  static const auto set = openblas_symbol<void (*)(int)>("openblas_set_num_threads");
  if (set) set(n);
}
}  // namespace trm

// OpenBLAS's thread count, or 0 when the BLAS in use is not OpenBLAS.
TRM_API int trm_get_num_blas_threads() {
  static const auto get = openblas_symbol<int (*)()>("openblas_get_num_threads");
  return get ? get() : 0;
}
