namespace Trm.Tokenization.Chat;

/// <summary>
/// Splits text that spells its reasoning inline (<c>&lt;think&gt;…&lt;/think&gt;answer</c>, as OpenThoughts, Dolci-Think
/// and decoded generations do) into the reasoning trace and the answer, and writes it back.
/// </summary>
public static class ThinkTrace
{
    /// <summary>
    /// Splits <paramref name="text"/>. When it starts (after white space) with <c>&lt;think&gt;</c>, the reasoning is the
    /// text up to <c>&lt;/think&gt;</c> and the answer what follows it, both trimmed of surrounding white space; a think
    /// block that never closes (a generation cut short) is all reasoning and the answer is empty. Otherwise the
    /// reasoning is <see langword="null"/> and the answer is <paramref name="text"/> unchanged.
    /// </summary>
    /// <example><c>Split("&lt;think&gt;\n2+2 is 4\n&lt;/think&gt;\n\n4")</c> gives <c>("2+2 is 4", "4")</c>.</example>
    public static (string? Reasoning, string Answer) Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.AsSpan().TrimStart();
        if (!trimmed.StartsWith(ChatSpecialTokens.ThinkStart, StringComparison.Ordinal))
            return (null, text);
        var inside = trimmed[ChatSpecialTokens.ThinkStart.Length..];
        var close = inside.IndexOf(ChatSpecialTokens.ThinkEnd, StringComparison.Ordinal);
        if (close < 0)
            return (inside.Trim().ToString(), "");
        return (inside[..close].Trim().ToString(), inside[(close + ChatSpecialTokens.ThinkEnd.Length)..].Trim().ToString());
    }

    /// <summary>The inline spelling: <c>&lt;think&gt;reasoning&lt;/think&gt;answer</c>, or the answer alone when <paramref name="reasoning"/> is <see langword="null"/>.</summary>
    public static string Join(string? reasoning, string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return reasoning is null ? answer : ChatSpecialTokens.ThinkStart + reasoning + ChatSpecialTokens.ThinkEnd + answer;
    }
}
