namespace Trm.Rl.RewardModel;

/// <summary>
/// How well scores order ranked replies, averaged over groups: accuracy (the best reply scores above the worst), Kendall τ
/// (concordant minus discordant pairs over pairs of different rank) and Spearman ρ (the correlation of the score ranks
/// with the true order, ties given their mean rank); with the mean scores of the best and worst replies.
/// </summary>
/// <param name="Groups">Groups measured (those with at least two different ranks).</param>
/// <param name="Accuracy">Fraction of groups whose best reply scores strictly above the worst.</param>
/// <param name="KendallTau">Mean Kendall τ over groups, in [−1, 1].</param>
/// <param name="SpearmanRho">Mean Spearman ρ over groups, in [−1, 1] (0 where the scores are all equal).</param>
/// <param name="MeanBestScore">Mean score of each group's best reply.</param>
/// <param name="MeanWorstScore">Mean score of each group's worst reply.</param>
/// <param name="PairAccuracy">Fraction of all (better, worse) pairs, over every group, whose better reply scores strictly higher.</param>
public sealed record RankingMetrics(int Groups, double Accuracy, double KendallTau, double SpearmanRho, double MeanBestScore, double MeanWorstScore, double PairAccuracy)
{
    /// <summary>Measures <paramref name="scores"/> against <paramref name="ranks"/>.</summary>
    /// <param name="scores">The scores of the rows of every group, one group after another.</param>
    /// <param name="ranks">Each group's ranks (lower is better); their sizes add up to the number of scores.</param>
    /// <exception cref="ArgumentException">The ranks do not cover the scores.</exception>
    public static RankingMetrics Compute(IReadOnlyList<float> scores, IReadOnlyList<IReadOnlyList<int>> ranks)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(ranks);
        if (ranks.Sum(g => g.Count) != scores.Count)
            throw new ArgumentException($"{scores.Count} scores for {ranks.Sum(g => g.Count)} ranked rows.", nameof(scores));
        int groups = 0, offset = 0, pairs = 0, pairsRight = 0;
        double accuracy = 0, tau = 0, rho = 0, best = 0, worst = 0;
        foreach (var group in ranks)
        {
            var s = Enumerable.Range(offset, group.Count).Select(i => (double)scores[i]).ToArray();
            offset += group.Count;
            if (group.Distinct().Count() < 2) continue;
            groups++;
            var bestIndex = ArgMin(group);
            var worstIndex = ArgMax(group);
            accuracy += s[bestIndex] > s[worstIndex] ? 1 : 0;
            best += s[bestIndex];
            worst += s[worstIndex];
            tau += Kendall(s, group);
            for (var i = 0; i < group.Count; i++)
                for (var j = 0; j < group.Count; j++)
                    if (group[i] < group[j])
                    {
                        pairs++;
                        pairsRight += s[i] > s[j] ? 1 : 0;
                    }
            rho += Spearman(s, group);
        }
        return groups == 0
            ? new RankingMetrics(0, 0, 0, 0, 0, 0, 0)
            : new RankingMetrics(groups, accuracy / groups, tau / groups, rho / groups, best / groups, worst / groups, (double)pairsRight / pairs);
    }

    private static double Kendall(double[] scores, IReadOnlyList<int> ranks)
    {
        int pairs = 0, net = 0;
        for (var i = 0; i < ranks.Count; i++)
            for (var j = 0; j < ranks.Count; j++)
            {
                if (ranks[i] >= ranks[j]) continue; // i better than j
                pairs++;
                net += Math.Sign(scores[i] - scores[j]);
            }
        return (double)net / pairs;
    }

    private static double Spearman(double[] scores, IReadOnlyList<int> ranks)
    {
        var goodness = MeanRanks(ranks.Select(r => -(double)r).ToArray());
        var scoreRanks = MeanRanks(scores);
        return Pearson(goodness, scoreRanks);
    }

    /// <summary>Ranks 0…n−1 in ascending order of the values, tied values sharing their mean rank.</summary>
    private static double[] MeanRanks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var result = new double[values.Length];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            for (var k = start; k <= end; k++) result[order[k]] = (start + end) / 2.0;
            start = end + 1;
        }
        return result;
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }

    private static int ArgMin(IReadOnlyList<int> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++) if (values[i] < values[best]) best = i;
        return best;
    }

    private static int ArgMax(IReadOnlyList<int> values)
    {
        var best = 0;
        for (var i = 1; i < values.Count; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
