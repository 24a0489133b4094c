using Trm.Data.Oasst;

namespace Trm.Rl.RewardModel;

/// <summary>Splits ranked prompts into training and validation sets by group (OASST tree), so no tree is in both.</summary>
public static class RewardDataSplit
{
    /// <summary>
    /// Puts a seeded random <paramref name="validationFraction"/> of the groups (at least one when there are two or more)
    /// in the validation set; the order of prompts inside each set is kept.
    /// </summary>
    /// <param name="items">Ranked prompts (see <see cref="RankedRepliesReader"/>).</param>
    /// <param name="validationFraction">Share of groups held out, in [0, 1).</param>
    /// <param name="seed">Seed of the group draw.</param>
    public static (IReadOnlyList<RankedReplies> Train, IReadOnlyList<RankedReplies> Validation) ByGroup(
        IReadOnlyList<RankedReplies> items, double validationFraction, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "validationFraction must be in [0, 1).");
        var groups = items.Select(GroupOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var count = validationFraction == 0 ? 0 : Math.Max(groups.Length >= 2 ? 1 : 0, (int)Math.Round(groups.Length * validationFraction));
        new Random(seed).Shuffle(groups);
        var held = new HashSet<string>(groups.Take(count), StringComparer.Ordinal);
        return (items.Where(i => !held.Contains(GroupOf(i))).ToList(), items.Where(i => held.Contains(GroupOf(i))).ToList());
    }

    /// <summary>The group of <paramref name="item"/>: its tree id, else its source id.</summary>
    public static string GroupOf(RankedReplies item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Context.Metadata.GetValueOrDefault(RankedRepliesReader.GroupKey) ?? item.Context.SourceId;
    }
}
