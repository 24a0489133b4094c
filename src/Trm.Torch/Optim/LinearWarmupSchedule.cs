namespace Trm.Torch.Optim;

/// <summary>Linear warm-up from 0 to <paramref name="BaseLr"/> over <paramref name="WarmupSteps"/> steps, then constant.</summary>
/// <param name="BaseLr">The rate after warm-up.</param>
/// <param name="WarmupSteps">Steps of warm-up (rate = base·step/warmup).</param>
public sealed record LinearWarmupSchedule(double BaseLr, long WarmupSteps) : ILrSchedule
{
    /// <inheritdoc/>
    public double LearningRate(long step) => step < WarmupSteps ? BaseLr * step / Math.Max(1, WarmupSteps) : BaseLr;
}
