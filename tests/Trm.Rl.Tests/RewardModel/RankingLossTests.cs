using Trm.Rl.RewardModel;
using Trm.Torch;

namespace Trm.Rl.Tests.RewardModel;

public class RankingLossTests
{
    // One group of three replies, ranks 0 (best), 1, 2, scored 1, 2, 0. Pairs (better, worse) and s_better - s_worse:
    // (0,1): -1 -> softplus(1) = 1.3132616875; (0,2): 1 -> softplus(-1) = 0.3132616875; (1,2): 2 -> softplus(-2) = 0.1269280110.
    // Regulariser beta/2 (s_i^2 + s_j^2): 0.0005 * (5 + 1 + 4) = 0.005. Mean over 3 pairs: (1.7534513860 + 0.005) / 3.
    private const double HandLoss = (1.3132616875 + 0.3132616875 + 0.1269280110 + 0.005) / 3;

    [Test]
    public void ThreeReplyGroupMatchesHandComputedLoss()
    {
        using var scope = Engine.NewDisposeScope();
        var loss = RankingLoss.Compute(Tensors.FromArray([1f, 2f, 0f]), [[0, 1, 2]], beta: 0.001).Item<float>();
        Assert.That(loss, Is.EqualTo(HandLoss).Within(1e-6));
    }

    [Test]
    public void GroupsAreAveragedNotPairs()
    {
        // Group 2 (two replies scored 0 and 0): one pair, softplus(0) = ln 2; the mean of the two group means.
        using var scope = Engine.NewDisposeScope();
        var loss = RankingLoss.Compute(Tensors.FromArray([1f, 2f, 0f, 0f, 0f]), [[0, 1, 2], [0, 1]], beta: 0.001).Item<float>();
        Assert.That(loss, Is.EqualTo((HandLoss + Math.Log(2)) / 2).Within(1e-6));
    }

    [Test]
    public void GradientPushesTheBetterReplyUp()
    {
        using var scope = Engine.NewDisposeScope();
        var scores = Tensors.FromArray([0f, 0f]).RequiresGrad_();
        RankingLoss.Compute(scores, [[0, 1]], beta: 0).Backward();
        var grad = scores.Grad!.ToArray<float>();
        // d/ds0 softplus(s1 - s0) = -sigmoid(0) = -0.5; d/ds1 = +0.5.
        Assert.That(grad, Is.EqualTo(new[] { -0.5f, 0.5f }).Within(1e-6));
    }

    [Test]
    public void TiedRanksMakeNoPair()
    {
        using var scope = Engine.NewDisposeScope();
        Assert.Throws<ArgumentException>(() => RankingLoss.Compute(Tensors.FromArray([1f, 2f]), [[0, 0]]));
    }
}
