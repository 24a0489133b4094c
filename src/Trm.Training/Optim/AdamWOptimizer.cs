using Trm.Torch;

namespace Trm.Training.Optim;

/// <summary>
/// AdamW (decoupled weight decay) with the same state layout as <see cref="AdamAtan2"/>, selected by <c>optimizer=adamw</c>:
/// <c>p ← p·(1 − lr·wd) − lr · (m / (1 − β1^t)) / (√v / √(1 − β2^t) + ε)</c>, written with whole-tensor operations.
/// </summary>
/// <param name="parameters">Trainable parameters.</param>
/// <param name="beta1">First-moment decay.</param>
/// <param name="beta2">Second-moment decay.</param>
/// <param name="eps">Denominator epsilon.</param>
/// <param name="weightDecay">Decoupled weight decay.</param>
public sealed class AdamWOptimizer(IEnumerable<Tensor> parameters, double beta1 = 0.9, double beta2 = 0.95, double eps = 1e-8, double weightDecay = 0.01)
    : MomentOptimizer(parameters, beta1, beta2, weightDecay)
{
    /// <summary>Denominator epsilon.</summary>
    public double Eps { get; } = eps;

    /// <inheritdoc />
    protected override void Apply(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> expAvg, IReadOnlyList<Tensor> expAvgSq, long step, double lr)
    {
        var biasCorrection1 = 1 - Math.Pow(Beta1, step);
        var biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, step));
        using var noGrad = Engine.NoGrad();
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var g = p.Grad;
            if (g is null) continue;
            using var scope = Engine.NewDisposeScope();
            if (WeightDecay != 0) p.Mul_(1 - lr * WeightDecay);
            expAvg[i].Lerp_(g, 1 - Beta1);
            expAvgSq[i].Mul_(Beta2).Add_(g.Square(), 1 - Beta2);
            var denominator = expAvgSq[i].Sqrt() / biasCorrection2Sqrt + Eps;
            p.Add_(expAvg[i] / denominator, -lr / biasCorrection1);
        }
    }
}
