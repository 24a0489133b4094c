using System.Text.RegularExpressions;
using Trm.Tokenization.Chat;

namespace Trm.Rl.Rewards;

/// <summary>
/// GSM8K's exact reward: the number after the first <c>#### </c> of the reply's answer (the part after a think block),
/// read with the pattern <c>#### (-?[0-9.,]+)</c>, stripped and without its thousands commas, must equal the reference
/// exactly (the reference is read the same way when it carries <c>####</c>). 1 when it does, 0 otherwise (no
/// <c>####</c>, an unclosed think block, another number). A full stop ending the sentence (<c>#### 42.</c>) is not part
/// of the number.
/// </summary>
public sealed partial class Gsm8kReward : IRewardFunction
{
    /// <summary>The shared instance.</summary>
    public static Gsm8kReward Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "gsm8k";

    /// <summary>The normalised number after <c>####</c> in <paramref name="text"/>, or <see langword="null"/> when there is none.</summary>
    public static string? ExtractAnswer(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (_, answer) = ThinkTrace.Split(text);
        var match = AnswerPattern().Match(answer);
        if (!match.Success) return null;
        var number = match.Groups[1].Value.Trim().Replace(",", "", StringComparison.Ordinal).TrimEnd('.');
        return number.Length == 0 || number == "-" ? null : number;
    }

    /// <summary>The reference's normalised answer: the number after its <c>####</c>, else the whole text trimmed and without commas.</summary>
    public static string NormalizeReference(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return ExtractAnswer(reference) ?? reference.Trim().Replace(",", "", StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public double Score(RewardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Reference is null) return 0;
        var answer = ExtractAnswer(input.Response);
        return answer is not null && answer == NormalizeReference(input.Reference) ? 1.0 : 0.0;
    }

    [GeneratedRegex(@"#### (\-?[0-9\.\,]+)")]
    private static partial Regex AnswerPattern();
}
