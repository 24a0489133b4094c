using Trm.Tokenization.Chat;

namespace Trm.Rl.Rewards;

/// <summary>
/// Rewards the shape of a reply, not its correctness: 1 when any think block is closed and the answer holds
/// <c>#### </c> followed by a non-empty final answer on that line, 0 otherwise. Useful beside a correctness reward
/// (<see cref="RewardFunctions.Sum"/>) while a model still learns the format.
/// </summary>
public sealed class FormatReward : IRewardFunction
{
    /// <summary>The shared instance.</summary>
    public static FormatReward Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "format";

    /// <summary>Whether <paramref name="response"/> is well formed (see the class remarks).</summary>
    public static bool IsWellFormed(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var trimmed = response.TrimStart();
        if (trimmed.StartsWith(ChatSpecialTokens.ThinkStart, StringComparison.Ordinal) && !trimmed.Contains(ChatSpecialTokens.ThinkEnd, StringComparison.Ordinal))
            return false;
        var (_, answer) = ThinkTrace.Split(response);
        int marker = answer.IndexOf("#### ", StringComparison.Ordinal);
        if (marker < 0) return false;
        var rest = answer[(marker + 5)..];
        int newline = rest.IndexOf('\n');
        return (newline < 0 ? rest : rest[..newline]).Trim().Length > 0;
    }

    /// <inheritdoc/>
    public double Score(RewardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return IsWellFormed(input.Response) ? 1.0 : 0.0;
    }
}
