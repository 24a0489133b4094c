using Trm.Torch;

namespace Trm.Rl.Grpo;

/// <summary>The GRPO loss of one minibatch and its parts.</summary>
/// <param name="Loss">The scalar loss to back-propagate (owned by the caller's dispose scope).</param>
/// <param name="PolicyLoss">The policy-gradient part: <c>−Σ objective / valid tokens</c>.</param>
/// <param name="Kl">The k3 KL penalty before its coefficient (0 without a reference).</param>
/// <param name="ClipFraction">The fraction of valid tokens whose gradient the ratio bound cuts off.</param>
public sealed record GrpoLossResult(Tensor Loss, double PolicyLoss, double Kl, double ClipFraction);
