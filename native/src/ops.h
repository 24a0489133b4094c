// The op-code enums of native/include/trm_ops.def (one enum class per family, same names and codes as the C# side).
// Switch statements over them list every enumerator and no default, so -Werror=switch rejects a switch that misses an op.
#pragma once

namespace trm::ops {

#define TRM_FAMILY_BEGIN(name, code, text) enum class name : int {
#define TRM_OP(name, code, text) name = code,
#define TRM_FAMILY_END(name) };
#include "../include/trm_ops.def"

}  // namespace trm::ops
