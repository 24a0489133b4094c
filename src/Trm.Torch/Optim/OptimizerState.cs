namespace Trm.Torch.Optim;

/// <summary>
/// An optimizer's state: tensors by "state.{group}.{index}.{name}" (live references owned by the optimizer) and scalars
/// ("state.{group}.{index}.step", "group.{group}.lr", "group.{group}.weight_decay", …).
/// </summary>
/// <param name="Tensors">State tensors.</param>
/// <param name="Scalars">Step counts and hyper-parameters.</param>
public sealed record OptimizerState(Dictionary<string, Tensor> Tensors, Dictionary<string, double> Scalars);
