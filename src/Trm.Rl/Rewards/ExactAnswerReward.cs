using Trm.Data.Sft.Tasks;

namespace Trm.Rl.Rewards;

/// <summary>
/// The synthetic tasks' verifier as a reward (<see cref="AnswerVerifier"/>): 1 when the reply's final answer (after the
/// last <c>####</c>, else the whole answer) equals the reference, 0 otherwise. More lenient than <see cref="Gsm8kReward"/>
/// (any answer text, not only numbers).
/// </summary>
public sealed class ExactAnswerReward : IRewardFunction
{
    /// <summary>The shared instance.</summary>
    public static ExactAnswerReward Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "exact";

    /// <inheritdoc/>
    public double Score(RewardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Reference is not null && AnswerVerifier.IsCorrect(input.Response, input.Reference) ? 1.0 : 0.0;
    }
}
