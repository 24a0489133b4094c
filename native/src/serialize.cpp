// Import of PyTorch torch.save(state_dict) files (zip archives) through libtorch's unpickler.
#include "trm.h"

#include <torch/csrc/jit/serialization/pickle.h>

#include <cstring>
#include <fstream>
#include <iterator>

namespace {

void flatten(const c10::IValue& v, const std::string& prefix, std::vector<std::pair<std::string, at::Tensor>>& out) {
  if (v.isTensor()) {
    out.emplace_back(prefix, v.toTensor());
  } else if (v.isGenericDict()) {
    for (const auto& kv : v.toGenericDict()) {
      std::string key = kv.key().isString() ? kv.key().toStringRef() : kv.key().tagKind() == "Int" ? std::to_string(kv.key().toInt()) : "?";
      flatten(kv.value(), prefix.empty() ? key : prefix + "." + key, out);
    }
  } else if (v.isList() || v.isTuple()) {
    auto items = v.isList() ? v.toListRef().vec() : v.toTupleRef().elements().vec();
    for (size_t i = 0; i < items.size(); ++i) flatten(items[i], prefix.empty() ? std::to_string(i) : prefix + "." + std::to_string(i), out);
  }
  // Other values (ints, strings, None: e.g. optimizer hyper-parameters) carry no tensors and are skipped.
}

}  // namespace

// Loads a torch.save file and returns its tensors flattened to dotted names (nested dicts/lists joined with '.').
// *names and *tensors are malloc'd arrays of *count entries; each name is malloc'd too. Free all with trm_free.
TRM_API int trm_torch_load(const char* path, int* count, char*** names, TrmTensor** tensors) {
  TRM_GUARD(-1, {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string("cannot open ") + path);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    c10::IValue root = torch::jit::pickle_load(bytes);
    std::vector<std::pair<std::string, at::Tensor>> items;
    flatten(root, "", items);
    size_t n = items.size();
    auto** name_arr = static_cast<char**>(std::malloc(sizeof(char*) * std::max<size_t>(n, 1)));
    auto* tensor_arr = static_cast<TrmTensor*>(std::malloc(sizeof(TrmTensor) * std::max<size_t>(n, 1)));
    if (!name_arr || !tensor_arr) throw std::bad_alloc();
    for (size_t i = 0; i < n; ++i) {
      name_arr[i] = static_cast<char*>(std::malloc(items[i].first.size() + 1));
      std::memcpy(name_arr[i], items[i].first.c_str(), items[i].first.size() + 1);
      tensor_arr[i] = trm::wrap(items[i].second);
    }
    *count = static_cast<int>(n);
    *names = name_arr;
    *tensors = tensor_arr;
    return 0;
  })
}
