namespace Trm.Rl.RewardModel;

/// <summary>
/// One prompt's replies as the reward model trains on them: each reply's token ids (prefix and reply, truncated) and its
/// rank (0 best). Every pair with different ranks is a preference pair.
/// </summary>
/// <param name="Sequences">The token ids of prefix + reply, one per reply, best first.</param>
/// <param name="Ranks">The rank of each reply (ascending: lower is better).</param>
/// <param name="GroupId">Where the group came from (tree or record id), for reports.</param>
public sealed record RankedGroup(IReadOnlyList<int[]> Sequences, IReadOnlyList<int> Ranks, string GroupId)
{
    /// <summary>Every (better, worse) index pair of the group.</summary>
    public IEnumerable<(int Better, int Worse)> Pairs()
    {
        for (var i = 0; i < Ranks.Count; i++)
            for (var j = 0; j < Ranks.Count; j++)
                if (Ranks[i] < Ranks[j])
                    yield return (i, j);
    }
}
