using Trm.Torch;

namespace Trm.Training.Optim;

/// <summary>
/// AdamW (decoupled weight decay) with the same state layout as <see cref="AdamAtan2"/>, selected by <c>optimizer=adamw</c>:
/// <c>p ← p·(1 − lr·wd) − lr · (m / (1 − β1^t)) / (√v / √(1 − β2^t) + ε)</c>.
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
    protected override void Update(Tensor parameter, Tensor expAvg, Tensor expAvgSq, double lr, double biasCorrection1, double biasCorrection2Sqrt)
    {
        var denominator = expAvgSq.Sqrt() / biasCorrection2Sqrt + Eps;
        parameter.Add_(expAvg / denominator, -lr / biasCorrection1);
    }
}
