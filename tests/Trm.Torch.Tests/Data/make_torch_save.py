# Generates torch_save_state_dict.pt, the torch.save test vector of TorchSaveTests.
# Run with Debian's PyTorch: /usr/bin/python3 make_torch_save.py  (PyTorch 1.13, zip serialization).
import collections
import torch

# A real module state_dict (an OrderedDict carrying a _metadata attribute, parameters saved as plain tensors).
model = torch.nn.Sequential(collections.OrderedDict(linear=torch.nn.Linear(3, 2)))
with torch.no_grad():
    model.linear.weight.copy_(torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4)
    model.linear.bias.copy_(torch.tensor([-1.5, 2.25]))
sd = model.state_dict()
sd["counts"] = torch.tensor([7, -3, 2**40], dtype=torch.int64)
sd["half.bf16"] = torch.tensor([1.0, -2.0, 0.5], dtype=torch.bfloat16)
sd["mask"] = torch.tensor([True, False, True])
base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
sd["view.transposed"] = base.t()            # non-contiguous view sharing storage with "view.base"
sd["view.base"] = base
sd["scalar"] = torch.tensor(3.5)
torch.save(sd, "torch_save_state_dict.pt")

# A plain dict (not an OrderedDict): libtorch 1.13's own unpickler can read it; the tests load it through both readers.
torch.save({"w": torch.tensor([[1.0, 2.0]]), "n": 3}, "torch_save_plain_dict.pt")
