using System.Text.RegularExpressions;
using Trm.Tokenization.Chat;

namespace Trm.Data.Sft.Tasks;

/// <summary>
/// Exact-match checking of a reply's final answer, for GSM8K-style and synthetic tasks: the think block is set aside,
/// the final answer is what follows the last <c>####</c> on its line (or the whole reply when there is no
/// <c>####</c>), trimmed; numbers lose their thousands commas (<c>1,234</c> = <c>1234</c>), as GSM8K's check does.
/// </summary>
public static partial class AnswerVerifier
{
    /// <summary>The marker before a final answer.</summary>
    public const string AnswerMarker = "####";

    /// <summary>The final answer of <paramref name="reply"/>, or <see langword="null"/> when there is none (empty, or a think block never closed).</summary>
    public static string? ExtractAnswer(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var (_, answer) = ThinkTrace.Split(reply);
        var marker = answer.LastIndexOf(AnswerMarker, StringComparison.Ordinal);
        if (marker >= 0)
        {
            answer = answer[(marker + AnswerMarker.Length)..];
            var newline = answer.IndexOf('\n');
            if (newline >= 0)
                answer = answer[..newline];
        }
        answer = answer.Trim();
        return answer.Length == 0 ? null : Normalize(answer);
    }

    /// <summary>Whether the final answer of <paramref name="reply"/> equals <paramref name="expected"/> (both normalised).</summary>
    public static bool IsCorrect(string reply, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return ExtractAnswer(reply) is { } answer && answer == Normalize(expected.Trim());
    }

    /// <summary>The fraction of <paramref name="replies"/> whose answer matches the expected one at the same index.</summary>
    public static double Accuracy(IReadOnlyList<string> replies, IReadOnlyList<string> expected)
    {
        ArgumentNullException.ThrowIfNull(replies);
        ArgumentNullException.ThrowIfNull(expected);
        if (replies.Count != expected.Count)
            throw new ArgumentException($"{replies.Count} replies for {expected.Count} expected answers", nameof(replies));
        return replies.Count == 0 ? 0 : replies.Where((reply, i) => IsCorrect(reply, expected[i])).Count() / (double)replies.Count;
    }

    private static string Normalize(string answer) => Number().IsMatch(answer) ? answer.Replace(",", "", StringComparison.Ordinal) : answer;

    [GeneratedRegex(@"^-?[0-9][0-9,]*(\.[0-9]+)?$")]
    private static partial Regex Number();
}
