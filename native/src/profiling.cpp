// Op counting for performance work: while enabled, every ATen operator and autograd backward function that libtorch
// dispatches (nested ones included, e.g. linear -> matmul -> mm) is counted and timed (inclusive wall time) by name
// through a global RecordFunction callback. Comparing the counts of one model step with PyTorch's profiler shows extra ops independently of machine load.
#include "trm.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <chrono>
#include <map>
#include <mutex>
#include <sstream>

namespace {
std::mutex g_mutex;
struct OpStats {
  int64_t count = 0;
  int64_t total_ns = 0;  // inclusive: nested ops are part of their caller's time
};
std::map<std::string, OpStats> g_counts;
at::CallbackHandle g_handle = 0;
bool g_active = false;
std::string g_report;

OpStats g_outermost;          // ops not nested in another op: their sum is the time spent inside libtorch's operators
thread_local int t_depth = 0;  // nesting depth of counted ops on this thread

struct StartTime : at::ObserverContext {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  bool outermost = false;
};

std::unique_ptr<at::ObserverContext> op_started(const at::RecordFunction&) {
  auto context = std::make_unique<StartTime>();
  context->outermost = t_depth++ == 0;
  return context;
}

void op_ended(const at::RecordFunction& fn, at::ObserverContext* context) {
  auto* started = static_cast<StartTime*>(context);
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started->start).count();
  --t_depth;
  std::lock_guard<std::mutex> lock(g_mutex);
  auto& stats = g_counts[fn.name()];
  ++stats.count;
  stats.total_ns += ns;
  if (started->outermost) {
    ++g_outermost.count;
    g_outermost.total_ns += ns;
  }
}
}  // namespace

// Starts counting (clears earlier counts). Returns 0, or -1 when counting is already on.
TRM_API int trm_op_count_start() {
  TRM_GUARD(-1, {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_active) throw std::logic_error("op counting is already on");
    g_counts.clear();
    g_outermost = OpStats{};
    g_handle = at::addGlobalCallback(
        at::RecordFunctionCallback(op_started, op_ended).needsInputs(false).scopes({at::RecordScope::FUNCTION, at::RecordScope::BACKWARD_FUNCTION}));
    g_active = true;
    return 0;
  })
}

// Stops counting; returns "name\tcount\tinclusive_ns\n" lines sorted by name, then the line "*outermost\tcount\tns" for the
// ops not nested in another (valid until the next call), or null on error.
TRM_API const char* trm_op_count_stop() {
  TRM_GUARD(nullptr, {
    if (!g_active) throw std::logic_error("op counting is not on");
    at::removeCallback(g_handle);
    std::lock_guard<std::mutex> lock(g_mutex);
    g_active = false;
    std::ostringstream out;
    for (const auto& [name, stats] : g_counts) out << name << '\t' << stats.count << '\t' << stats.total_ns << '\n';
    out << "*outermost\t" << g_outermost.count << '\t' << g_outermost.total_ns << '\n';
    g_report = out.str();
    return g_report.c_str();
  })
}

// libtorch's inter-op thread count (reported next to the intra-op count by the benchmarks).
TRM_API int trm_get_num_interop_threads() { TRM_GUARD(-1, return at::get_num_interop_threads();) }
