using Trm.Torch;
using Trm.Torch.Optim;

namespace Trm.Training.Optim;

/// <summary>
/// Adam-atan2 (Everett et al. 2024), the reference's optimizer: Adam whose update direction is
/// <c>atan2(m̂, √v̂)</c> instead of <c>m̂ / (√v̂ + ε)</c>, so it needs no epsilon and is bounded, with decoupled
/// weight decay. Per step t, for each parameter p with gradient g:
/// <code>
/// p ← p · (1 − lr·wd)
/// m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
/// p ← p − lr · atan2(m / (1 − β1^t), √v / √(1 − β2^t))
/// </code>
/// The whole group is updated by one native call (<see cref="AdamAtan2Kernel"/>).
/// </summary>
/// <param name="parameters">Trainable parameters.</param>
/// <param name="beta1">First-moment decay (reference: 0.9).</param>
/// <param name="beta2">Second-moment decay (reference: 0.95).</param>
/// <param name="weightDecay">Decoupled weight decay.</param>
public sealed class AdamAtan2(IEnumerable<Tensor> parameters, double beta1 = 0.9, double beta2 = 0.95, double weightDecay = 0.01)
    : MomentOptimizer(parameters, beta1, beta2, weightDecay)
{
    /// <inheritdoc />
    protected override void Apply(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> expAvg, IReadOnlyList<Tensor> expAvgSq, long step, double lr) =>
        AdamAtan2Kernel.Step(parameters, expAvg, expAvgSq, step, lr, Beta1, Beta2, WeightDecay);
}
