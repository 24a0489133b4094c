using Trm.Torch.Optim;

namespace Trm.Torch.Tests.Optim;

/// <summary>The reference's <c>cosine_schedule_with_warmup_lr_lambda</c>, value by value, including its boundaries.</summary>
public sealed class WarmupCosineScheduleTests
{
    [Test]
    public void WarmupIsLinearFromZero()
    {
        var s = new WarmupCosineSchedule(1e-3, WarmupSteps: 10, TotalSteps: 110, MinRatio: 0.1);
        Assert.That(s.LearningRate(0), Is.EqualTo(0));
        Assert.That(s.LearningRate(1), Is.EqualTo(1e-4).Within(1e-18));
        Assert.That(s.LearningRate(5), Is.EqualTo(5e-4).Within(1e-18));
        Assert.That(s.LearningRate(9), Is.EqualTo(9e-4).Within(1e-18));
        Assert.That(s.LearningRate(10), Is.EqualTo(1e-3).Within(1e-18), "the last warm-up boundary: cosine at progress 0");
    }

    [Test]
    public void CosineReachesMinRatioAtTotalSteps()
    {
        var s = new WarmupCosineSchedule(1e-3, WarmupSteps: 10, TotalSteps: 110, MinRatio: 0.1);
        // Halfway through the cosine: min + (1 - min) * 0.5.
        Assert.That(s.LearningRate(60), Is.EqualTo(1e-3 * (0.1 + 0.9 * 0.5)).Within(1e-15));
        // A quarter: cos(pi/4) = sqrt(2)/2.
        Assert.That(s.LearningRate(35), Is.EqualTo(1e-3 * (0.1 + 0.9 * 0.5 * (1 + Math.Sqrt(0.5)))).Within(1e-15));
        Assert.That(s.LearningRate(110), Is.EqualTo(1e-4).Within(1e-15));
    }

    [Test]
    public void PastTotalStepsTheCosineIsNotClamped()
    {
        // As the reference: progress is not clamped, so the rate rises again after total (cos(π·1.5) = 0, cos(2π) = 1).
        var s = new WarmupCosineSchedule(1e-3, WarmupSteps: 10, TotalSteps: 110, MinRatio: 0.1);
        Assert.That(s.LearningRate(160), Is.EqualTo(1e-3 * (0.1 + 0.9 * 0.5)).Within(1e-15));
        Assert.That(s.LearningRate(210), Is.EqualTo(1e-3).Within(1e-15));
    }

    [Test]
    public void TheCosineTermIsClampedAtZeroWhenMinRatioExceedsOne()
    {
        // (1 − r) < 0 makes the cosine term negative; the reference clamps it to 0, so the rate stays at r·base after warm-up.
        var s = new WarmupCosineSchedule(2.0, WarmupSteps: 4, TotalSteps: 8, MinRatio: 1.5);
        Assert.That(s.LearningRate(2), Is.EqualTo(1.0));
        Assert.That(s.LearningRate(4), Is.EqualTo(3.0));
        Assert.That(s.LearningRate(6), Is.EqualTo(3.0));
    }

    [Test]
    public void MinRatioOneIsConstantAfterWarmup()
    {
        var s = new WarmupCosineSchedule(1e-4, WarmupSteps: 2000, TotalSteps: 5000, MinRatio: 1.0);
        Assert.That(s.LearningRate(1000), Is.EqualTo(5e-5).Within(1e-18));
        Assert.That(s.LearningRate(2000), Is.EqualTo(1e-4));
        Assert.That(s.LearningRate(3777), Is.EqualTo(1e-4));
        Assert.That(s.LearningRate(5000), Is.EqualTo(1e-4));
    }

    [Test]
    public void NoWarmupStartsAtBase()
    {
        var s = new WarmupCosineSchedule(2.0, WarmupSteps: 0, TotalSteps: 4, MinRatio: 0);
        Assert.That(s.LearningRate(0), Is.EqualTo(2.0));
        Assert.That(s.LearningRate(2), Is.EqualTo(1.0).Within(1e-15));
        Assert.That(s.LearningRate(4), Is.EqualTo(0.0).Within(1e-15));
    }

    [Test]
    public void WarmupLongerThanTotalDividesByAtLeastOne()
    {
        // total − warmup ≤ 0: the reference divides by max(1, total − warmup), so right after warm-up progress = step − warmup.
        var s = new WarmupCosineSchedule(1.0, WarmupSteps: 5, TotalSteps: 3, MinRatio: 0);
        Assert.That(s.LearningRate(5), Is.EqualTo(1.0));
        Assert.That(s.LearningRate(6), Is.EqualTo(0.0).Within(1e-15), "progress 1: the minimum");
    }
}
