using Trm.Data.Sft.Tasks;
using Trm.Rl.Rewards;

namespace Trm.Rl.Tasks;

/// <summary>
/// RL tasks by name, as the command line writes them: <c>addition</c> and <c>reversal</c> (synthetic problems of a seed),
/// or <c>name=path</c> / a bare path (a GSM8K or chat file, see <see cref="ChatFileRlTask"/>).
/// </summary>
public static class RlTasks
{
    /// <summary>The synthetic task called <paramref name="name"/>, or null.</summary>
    public static SyntheticTask? Synthetic(string name) => name.Trim().ToLowerInvariant() switch
    {
        "addition" => new AdditionTask(),
        "reversal" => new ReversalTask(),
        _ => null,
    };

    /// <summary>Makes the training task <paramref name="spec"/>.</summary>
    /// <param name="spec"><c>addition</c>, <c>reversal</c>, <c>name=path</c> or a path.</param>
    /// <param name="seed">The synthetic tasks' seed.</param>
    /// <param name="count">Problems of a synthetic task; the most read from a file (null: all).</param>
    /// <param name="reward">Overrides the task's reward.</param>
    /// <exception cref="ArgumentException">Neither a synthetic task nor an existing file.</exception>
    public static IRlTask Parse(string spec, long seed, int? count, IRewardFunction? reward = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (Synthetic(spec) is { } synthetic) return new SyntheticRlTask(synthetic, seed, count ?? 10_000, reward);
        var (name, path) = Split(spec);
        return ChatFileRlTask.FromFile(path, name, reward, count);
    }

    /// <summary>
    /// Makes the held-out task <paramref name="spec"/>: for a synthetic task, <paramref name="count"/> problems of
    /// <paramref name="seed"/> that are not among the first <paramref name="trainCount"/> (the training problems); for a
    /// file, its first <paramref name="count"/> problems.
    /// </summary>
    public static IRlTask ParseHeldOut(string spec, long seed, int trainCount, int count, IRewardFunction? reward = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (Synthetic(spec) is { } synthetic)
            return SyntheticRlTask.FromProblems(synthetic, synthetic.HeldOut(seed + 1, count, synthetic.Problems(seed, trainCount)), seed + 1, reward);
        var (name, path) = Split(spec);
        return ChatFileRlTask.FromFile(path, name, reward, count);
    }

    private static (string? Name, string Path) Split(string spec)
    {
        int eq = spec.IndexOf('=', StringComparison.Ordinal);
        var (name, path) = eq > 0 ? (spec[..eq].Trim(), spec[(eq + 1)..].Trim()) : ((string?)null, spec.Trim());
        if (!File.Exists(path)) throw new ArgumentException($"task '{spec}': not a synthetic task (addition, reversal) and no file '{path}'", nameof(spec));
        return (name, path);
    }
}
