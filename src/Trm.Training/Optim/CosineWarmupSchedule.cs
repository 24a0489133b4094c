namespace Trm.Training.Optim;

/// <summary>
/// The reference's learning-rate curve: linear warm-up from 0 to the base rate over <c>warmupSteps</c>, then a
/// half cosine from the base rate down to <c>baseLr · minRatio</c> at <c>totalSteps</c> (constant after warm-up
/// when <c>minRatio</c> is 1). Steps count from 1 for the first optimizer step, as in the reference's train loop.
/// </summary>
/// <param name="BaseLr">Peak learning rate.</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="TotalSteps">Step at which the cosine reaches its minimum.</param>
/// <param name="MinRatio">Final rate as a fraction of <paramref name="BaseLr"/>.</param>
public sealed record CosineWarmupSchedule(double BaseLr, long WarmupSteps, long TotalSteps, double MinRatio)
{
    /// <summary>The learning rate at <paramref name="step"/>.</summary>
    /// <param name="step">The optimizer step (1 for the first update).</param>
    public double At(long step)
    {
        if (step < WarmupSteps)
        {
            return BaseLr * step / Math.Max(1, WarmupSteps);
        }
        var progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        var cosine = 0.5 * (1.0 + Math.Cos(Math.PI * progress));
        return BaseLr * (MinRatio + Math.Max(0.0, (1 - MinRatio) * cosine));
    }
}
