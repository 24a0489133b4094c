namespace Trm.Inference.Generation;

/// <summary>Stop-string matching on a row's growing text.</summary>
internal static class StopStrings
{
    /// <summary>Index of the earliest stop string in <paramref name="text"/>, or −1.</summary>
    public static int Find(string text, IReadOnlyList<string> stops)
    {
        int best = -1;
        foreach (var stop in stops)
        {
            int at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best)) best = at;
        }

        return best;
    }

    /// <summary>
    /// How much of <paramref name="text"/> can be shown while the row is running: all but a trailing replacement
    /// character (an unfinished UTF-8 sequence) and the longest suffix that could begin a stop string.
    /// </summary>
    public static int SafeLength(string text, IReadOnlyList<string> stops)
    {
        int length = text.Length;
        while (length > 0 && text[length - 1] == '\uFFFD') length--;
        int held = 0;
        foreach (var stop in stops)
        {
            for (int k = Math.Min(stop.Length - 1, length); k > held; k--)
            {
                if (string.CompareOrdinal(text, length - k, stop, 0, k) == 0)
                {
                    held = k;
                    break;
                }
            }
        }

        return length - held;
    }
}
