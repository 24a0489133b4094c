using Trm.Rl.RewardModel;

namespace Trm.Rl.Tests.RewardModel;

public class RankingMetricsTests
{
    [Test]
    public void ThreeReplyGroupMatchesHandComputedMetrics()
    {
        // Ranks 0, 1, 2 scored 1, 2, 0: best (1) above worst (0) -> accuracy 1. Pairs: (0,1) discordant, (0,2) and (1,2)
        // concordant -> tau = (2 - 1) / 3. Spearman: goodness ranks [2, 1, 0], score ranks [1, 2, 0], d = [1, -1, 0]
        // -> rho = 1 - 6 * 2 / (3 * 8) = 0.5.
        var metrics = RankingMetrics.Compute([1f, 2f, 0f], [[0, 1, 2]]);
        Assert.Multiple(() =>
        {
            Assert.That(metrics.Groups, Is.EqualTo(1));
            Assert.That(metrics.Accuracy, Is.EqualTo(1.0));
            Assert.That(metrics.KendallTau, Is.EqualTo(1.0 / 3).Within(1e-12));
            Assert.That(metrics.SpearmanRho, Is.EqualTo(0.5).Within(1e-12));
            Assert.That(metrics.MeanBestScore, Is.EqualTo(1.0));
            Assert.That(metrics.MeanWorstScore, Is.EqualTo(0.0));
            Assert.That(metrics.PairAccuracy, Is.EqualTo(2.0 / 3).Within(1e-12), "(0,2) and (1,2) right, (0,1) wrong");
        });
    }

    [Test]
    public void ReversedScoresGiveMinusOne()
    {
        var metrics = RankingMetrics.Compute([0f, 1f, 2f], [[0, 1, 2]]);
        Assert.Multiple(() =>
        {
            Assert.That(metrics.Accuracy, Is.EqualTo(0.0));
            Assert.That(metrics.KendallTau, Is.EqualTo(-1.0).Within(1e-12));
            Assert.That(metrics.SpearmanRho, Is.EqualTo(-1.0).Within(1e-12));
        });
    }

    [Test]
    public void AveragesOverGroupsAndSkipsTiedGroups()
    {
        // Group 1 perfect (acc 1, tau 1), group 2 reversed pair (acc 0, tau -1), group 3 all tied ranks (skipped).
        var metrics = RankingMetrics.Compute([3f, 2f, 1f, 0f, 5f, 7f, 7f], [[0, 1, 2], [0, 1], [0, 0]]);
        Assert.Multiple(() =>
        {
            Assert.That(metrics.Groups, Is.EqualTo(2));
            Assert.That(metrics.Accuracy, Is.EqualTo(0.5));
            Assert.That(metrics.KendallTau, Is.EqualTo(0.0).Within(1e-12));
            Assert.That(metrics.PairAccuracy, Is.EqualTo(3.0 / 4), "3 of group 1's pairs right, group 2's one pair wrong");
        });
    }
}
