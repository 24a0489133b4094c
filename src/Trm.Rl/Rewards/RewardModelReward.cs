using Trm.Rl.RewardModel;

namespace Trm.Rl.Rewards;

/// <summary>
/// A reward model's score as a reward (<see cref="IRewardScorer"/>, e.g. a trained <see cref="TrmRewardModel"/>): for
/// GRPO with a learned reward, or rejection sampling with <c>RejectionSelection.TopR</c> (Open-Assistant's best-r). The
/// score is that of the reply to the single user prompt, times <see cref="Scale"/>.
/// </summary>
public sealed class RewardModelReward : IRewardFunction
{
    private readonly IRewardScorer _scorer;

    /// <summary>Wraps <paramref name="scorer"/>.</summary>
    /// <param name="scorer">The reward model.</param>
    /// <param name="scale">Multiplies the score (default 1).</param>
    public RewardModelReward(IRewardScorer scorer, double scale = 1.0)
    {
        _scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
        if (!double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "must be finite");
        Scale = scale;
    }

    /// <summary>The factor applied to the score.</summary>
    public double Scale { get; }

    /// <inheritdoc/>
    public string Name => "reward_model";

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The reward model returned NaN or an infinity.</exception>
    public double Score(RewardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        double score = Scale * _scorer.Score(input.Prompt, input.Response);
        return double.IsFinite(score) ? score : throw new InvalidOperationException($"reward model score {score} for task '{input.Task}' (must be finite)");
    }
}
