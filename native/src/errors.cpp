// Thread-local error slot: entry points store libtorch's message here; C# takes it (and frees it) after a failed call.
#include <cstdlib>
#include <cstring>
#include <string>

#include "../include/trm_native.h"

namespace {
thread_local std::string g_error;
thread_local bool g_has_error = false;
}  // namespace

namespace trm {
void set_error(const char* message);  // declared in trm.h, which needs ATen; this file does not
void set_error(const char* message) {
  g_error = message ? message : "unknown native error";
  g_has_error = true;
}
}  // namespace trm

// Returns the pending message as a malloc'd string (free with trm_free) and clears the slot; nullptr when none.
TRM_API char* trm_last_error() {
  if (!g_has_error) return nullptr;
  char* copy = static_cast<char*>(std::malloc(g_error.size() + 1));
  if (copy) std::memcpy(copy, g_error.c_str(), g_error.size() + 1);
  g_error.clear();
  g_has_error = false;
  return copy;
}

TRM_API void trm_clear_error() {
  g_error.clear();
  g_has_error = false;
}

TRM_API void trm_free(void* p) { std::free(p); }
