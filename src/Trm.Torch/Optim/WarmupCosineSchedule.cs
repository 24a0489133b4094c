namespace Trm.Torch.Optim;

/// <summary>
/// Linear warm-up, then a half-cosine from <paramref name="BaseLr"/> down to <paramref name="MinRatio"/>·base at
/// <paramref name="TotalSteps"/> (the TRM/HRM reference schedule): lr = base·(r + (1−r)·½(1 + cos(π·progress))).
/// </summary>
/// <param name="BaseLr">Peak rate.</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="TotalSteps">Step at which the cosine reaches its minimum.</param>
/// <param name="MinRatio">Final rate as a fraction of the peak.</param>
public sealed record WarmupCosineSchedule(double BaseLr, long WarmupSteps, long TotalSteps, double MinRatio = 0) : ILrSchedule
{
    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        if (step < WarmupSteps) return BaseLr * step / Math.Max(1, WarmupSteps);
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        return BaseLr * (MinRatio + (1 - MinRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
