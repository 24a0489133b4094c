namespace Trm.Torch.Optim;

/// <summary>
/// Linear warm-up, then a half cosine from <paramref name="BaseLr"/> down to <paramref name="MinRatio"/>·base at
/// <paramref name="TotalSteps"/> — the TRM/HRM reference's <c>cosine_schedule_with_warmup_lr_lambda</c> (with its
/// <c>num_cycles = 0.5</c>), formula for formula:
/// <code>
/// step &lt; warmup:  lr = base · step / max(1, warmup)
/// otherwise:      progress = (step − warmup) / max(1, total − warmup)
///                 lr = base · (r + max(0, (1 − r) · ½ · (1 + cos(π · progress))))
/// </code>
/// Clamping, as in the reference: the warm-up divides by at least 1 and the cosine term is clamped at 0 (which only matters
/// when <paramref name="MinRatio"/> &gt; 1); <c>progress</c> is <em>not</em> clamped, so past <paramref name="TotalSteps"/>
/// the cosine turns back up (at 2·total − warmup the rate is the base again). Callers stop at <paramref name="TotalSteps"/>
/// (the trainer does); <paramref name="MinRatio"/> = 1 gives warm-up then a constant rate, <paramref name="WarmupSteps"/> = 0
/// no warm-up. Steps are numbered as in the reference's training loop: 1 for the first update (step 0 has rate 0 when
/// there is a warm-up).
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
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return BaseLr * (MinRatio + Math.Max(0.0, (1 - MinRatio) * 0.5 * (1.0 + Math.Cos(Math.PI * progress))));
    }
}
