namespace Trm.Tokenization;

/// <summary>
/// Finds the allowed special tokens in a text from left to right; at equal positions the longest name wins. Remembers
/// where each name next occurs so the text is scanned about once per name.
/// </summary>
internal ref struct SpecialTokenFinder
{
    private readonly (string Name, int Id)[] _tokens;
    private readonly int[] _next;

    public SpecialTokenFinder((string Name, int Id)[] tokensLongestFirst)
    {
        _tokens = tokensLongestFirst;
        _next = new int[tokensLongestFirst.Length];
        Array.Fill(_next, -2); // -2: not searched yet, -1: absent from here on
    }

    /// <summary>Finds the first allowed token at or after <paramref name="from"/>.</summary>
    public bool FindNext(ReadOnlySpan<char> text, int from, out int at, out int index)
    {
        at = int.MaxValue;
        index = -1;
        for (int k = 0; k < _tokens.Length; k++)
        {
            int next = _next[k];
            if (next == -1)
            {
                continue;
            }
            if (next < from)
            {
                int found = text[from..].IndexOf(_tokens[k].Name, StringComparison.Ordinal);
                next = found < 0 ? -1 : from + found;
                _next[k] = next;
                if (next < 0)
                {
                    continue;
                }
            }
            if (next < at)
            {
                at = next;
                index = k; // tokens are longest first, so a tie keeps the longer one
            }
        }
        return index >= 0;
    }
}
