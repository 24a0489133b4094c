// trm_op_name: the op table of trm_ops.def as seen by the native side (tests compare it with the C# enums).
#include "trm.h"

#include <cstddef>

TRM_API const char* trm_op_name(int family, int code) {
  switch (family) {
#define TRM_FAMILY_BEGIN(name, family_code, text) \
  case family_code:                               \
    switch (code) {
#define TRM_OP(name, op_code, text) \
  case op_code:                     \
    return text;
#define TRM_FAMILY_END(name) \
  default:                   \
    return nullptr;          \
    }
#include "../include/trm_ops.def"
    default:
      return nullptr;
  }
}

namespace trm {
std::invalid_argument unknown_op(const char* family, int code) {
  return std::invalid_argument(std::string("unknown ") + family + " op code " + std::to_string(code) + " (see native/include/trm_ops.def)");
}
}  // namespace trm
