using Trm.Training.Optim;

namespace Trm.Training.Tests.Optim;

public sealed class CosineWarmupScheduleTests
{
    [Test]
    public void WarmupIsLinearFromZero()
    {
        var s = new CosineWarmupSchedule(1e-3, WarmupSteps: 10, TotalSteps: 110, MinRatio: 0.1);
        Assert.That(s.At(0), Is.EqualTo(0));
        Assert.That(s.At(1), Is.EqualTo(1e-4).Within(1e-18));
        Assert.That(s.At(5), Is.EqualTo(5e-4).Within(1e-18));
        Assert.That(s.At(10), Is.EqualTo(1e-3).Within(1e-18));
    }

    [Test]
    public void CosineReachesMinRatioAtTotalSteps()
    {
        var s = new CosineWarmupSchedule(1e-3, WarmupSteps: 10, TotalSteps: 110, MinRatio: 0.1);
        // Halfway through the cosine: min + (1 - min) * 0.5.
        Assert.That(s.At(60), Is.EqualTo(1e-3 * (0.1 + 0.9 * 0.5)).Within(1e-15));
        // A quarter: cos(pi/4) = sqrt(2)/2.
        Assert.That(s.At(35), Is.EqualTo(1e-3 * (0.1 + 0.9 * 0.5 * (1 + Math.Sqrt(0.5)))).Within(1e-15));
        Assert.That(s.At(110), Is.EqualTo(1e-4).Within(1e-15));
    }

    [Test]
    public void MinRatioOneIsConstantAfterWarmup()
    {
        var s = new CosineWarmupSchedule(1e-4, WarmupSteps: 2000, TotalSteps: 5000, MinRatio: 1.0);
        Assert.That(s.At(1000), Is.EqualTo(5e-5).Within(1e-18));
        Assert.That(s.At(2000), Is.EqualTo(1e-4));
        Assert.That(s.At(3777), Is.EqualTo(1e-4));
        Assert.That(s.At(5000), Is.EqualTo(1e-4));
    }

    [Test]
    public void NoWarmupStartsAtBase()
    {
        var s = new CosineWarmupSchedule(2.0, WarmupSteps: 0, TotalSteps: 4, MinRatio: 0);
        Assert.That(s.At(0), Is.EqualTo(2.0));
        Assert.That(s.At(2), Is.EqualTo(1.0).Within(1e-15));
        Assert.That(s.At(4), Is.EqualTo(0.0).Within(1e-15));
    }
}
