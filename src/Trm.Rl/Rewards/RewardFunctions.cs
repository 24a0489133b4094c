using System.Globalization;

namespace Trm.Rl.Rewards;

/// <summary>Factories and combinators for <see cref="IRewardFunction"/>s, and the names the command line accepts.</summary>
public static class RewardFunctions
{
    /// <summary>The weighted sum of several rewards (e.g. correctness + 0.1 × format), named <c>a+0.1*b</c>.</summary>
    public static IRewardFunction Sum(params (IRewardFunction Reward, double Weight)[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0) throw new ArgumentException("at least one reward is needed", nameof(parts));
        foreach (var (reward, weight) in parts)
        {
            ArgumentNullException.ThrowIfNull(reward, nameof(parts));
            if (!double.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(parts), weight, "weights must be finite");
        }
        var copy = parts.ToArray();
        var name = string.Join('+', copy.Select(p => p.Weight == 1 ? p.Reward.Name : $"{p.Weight.ToString(CultureInfo.InvariantCulture)}*{p.Reward.Name}"));
        return new DelegateReward(name, input => copy.Sum(p => p.Weight * p.Reward.Score(input)));
    }

    /// <summary>
    /// A reward by name: <c>gsm8k</c>, <c>exact</c>, <c>format</c>, <c>puzzle</c>, or a sum such as
    /// <c>exact+0.1*format</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name or a malformed weight.</exception>
    public static IRewardFunction Parse(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var parts = spec.Split('+', StringSplitOptions.TrimEntries);
        var list = new List<(IRewardFunction, double)>();
        foreach (var part in parts)
        {
            double weight = 1;
            var name = part;
            int star = part.IndexOf('*', StringComparison.Ordinal);
            if (star >= 0)
            {
                if (!double.TryParse(part[..star], NumberStyles.Float, CultureInfo.InvariantCulture, out weight) || !double.IsFinite(weight))
                    throw new ArgumentException($"reward '{spec}': '{part[..star]}' is not a weight", nameof(spec));
                name = part[(star + 1)..].Trim();
            }
            list.Add((ByName(name, spec), weight));
        }
        return list.Count == 1 && list[0].Item2 == 1 ? list[0].Item1 : Sum([.. list]);
    }

    private static IRewardFunction ByName(string name, string spec) => name.ToLowerInvariant() switch
    {
        "gsm8k" => Gsm8kReward.Instance,
        "exact" => ExactAnswerReward.Instance,
        "format" => FormatReward.Instance,
        "puzzle" => new PuzzleReward(),
        _ => throw new ArgumentException($"reward '{spec}': unknown reward '{name}' (gsm8k, exact, format, puzzle)", nameof(spec)),
    };
}
