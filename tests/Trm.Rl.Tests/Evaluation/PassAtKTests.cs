using Trm.Rl.Evaluation;

namespace Trm.Rl.Tests.Evaluation;

public class PassAtKTests
{
    // Four problems, three samples each. pass@1: only P3's first sample is right -> 1/4. pass@2: P1 and P3 -> 2/4.
    // pass@3: P1, P3 and P4 -> 3/4. P2 is never solved.
    private static readonly IReadOnlyList<IReadOnlyList<bool>> Table =
    [
        [false, true, false],
        [false, false, false],
        [true, true, true],
        [false, false, true],
    ];

    [Test]
    public void HandMadeTable()
    {
        Assert.That(PassAtK.Curve(Table), Is.EqualTo(new[] { 0.25, 0.5, 0.75 }));
        Assert.That(PassAtK.Compute(Table, 5), Is.EqualTo(0.75), "k beyond n counts every sample");
    }

    [Test]
    public void NoProblemsIsZero() => Assert.That(PassAtK.Compute([], 1), Is.EqualTo(0));
}
