using Trm.Torch;
using static Trm.Torch.Engine;

namespace Trm.Rl.RewardModel;

/// <summary>
/// The pairwise ranking loss of a reward model: for every pair (i better than j) of a group,
/// <c>−log σ(s_i − s_j) + β·½(s_i² + s_j²)</c>; averaged over the pairs of each group, then over the groups (groups
/// without a pair are left out). The β term keeps scores near zero, since the ranking alone fixes no offset.
/// </summary>
public static class RankingLoss
{
    /// <summary>The default β of the score regulariser (0.001).</summary>
    public const double DefaultBeta = 0.001;

    /// <summary>The loss of <paramref name="scores"/>, a scalar tensor with gradients.</summary>
    /// <param name="scores">[N] scores: the rows of the groups one after another.</param>
    /// <param name="ranks">Each group's ranks (lower is better); their sizes add up to N.</param>
    /// <param name="beta">Weight of the score regulariser.</param>
    /// <exception cref="ArgumentException">The ranks do not cover the scores, or no group has a pair.</exception>
    public static Tensor Compute(Tensor scores, IReadOnlyList<IReadOnlyList<int>> ranks, double beta = DefaultBeta)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(ranks);
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be >= 0.");
        var rows = ranks.Sum(g => g.Count);
        if (scores.Dim != 1 || scores.Size(0) != rows)
            throw new ArgumentException($"scores must be [{rows}] (the rows of every group), got [{string.Join(", ", scores.Shape)}].", nameof(scores));

        var better = new List<long>();
        var worse = new List<long>();
        var weights = new List<float>();
        var offset = 0;
        var groupsWithPairs = ranks.Count(g => CountPairs(g) > 0);
        if (groupsWithPairs == 0) throw new ArgumentException("no group has two replies of different rank.", nameof(ranks));
        foreach (var group in ranks)
        {
            var pairs = CountPairs(group);
            for (var i = 0; i < group.Count; i++)
                for (var j = 0; j < group.Count; j++)
                {
                    if (group[i] >= group[j]) continue;
                    better.Add(offset + i);
                    worse.Add(offset + j);
                    weights.Add(1f / (pairs * groupsWithPairs));
                }
            offset += group.Count;
        }

        using var scope = NewDisposeScope();
        var device = scores.Device;
        var s = scores.To(DType.Float32);
        var si = s.IndexSelect(0, Tensors.FromArray(better.ToArray()).To(device));
        var sj = s.IndexSelect(0, Tensors.FromArray(worse.ToArray()).To(device));
        var w = Tensors.FromArray(weights.ToArray()).To(device);
        var perPair = (sj - si).Softplus() + (0.5 * beta) * (si.Square() + sj.Square());
        return scope.MoveToOuter((perPair * w).Sum());
    }

    private static int CountPairs(IReadOnlyList<int> ranks)
    {
        var n = 0;
        for (var i = 0; i < ranks.Count; i++)
            for (var j = 0; j < ranks.Count; j++)
                if (ranks[i] < ranks[j]) n++;
        return n;
    }
}
