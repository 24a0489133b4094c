namespace Trm.Rl.Rewards;

/// <summary>
/// Scores a sampled reply. GRPO turns the scores of a group of replies into advantages; rejection sampling keeps the
/// replies a verifier accepts or the best ones by score. Implementations must be deterministic and thread-safe.
/// </summary>
public interface IRewardFunction
{
    /// <summary>A short name for logs and provenance (<c>gsm8k</c>, <c>format</c>…).</summary>
    string Name { get; }

    /// <summary>The reward of <paramref name="input"/> (finite).</summary>
    double Score(RewardInput input);
}
