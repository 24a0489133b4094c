using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Trm.Tokenization.Bpe;

/// <summary>
/// GPT-2's pre-tokenization, written by hand instead of with a regex engine. It splits text exactly where the pattern
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> (first alternative that matches,
/// leftmost, greedy) would:
/// <list type="number">
/// <item>an apostrophe followed by <c>s t m d re ve ll</c> (lower case only) is one piece;</item>
/// <item>otherwise a run of letters, of numbers, or of "other" characters, optionally led by one U+0020 space;</item>
/// <item>a run of whitespace that reaches the end of the text is one piece; a run followed by a non-space character gives
/// up its last character (which then leads the next piece, or is a piece on its own), unless the run is one character.</item>
/// </list>
/// Classes work on code points: letters are categories L*, numbers N*, whitespace is Unicode's White_Space property,
/// everything else (marks, punctuation, symbols, controls, unassigned) is "other". A surrogate pair is one code point;
/// a lone surrogate counts as U+FFFD (a symbol), the character UTF-8 encoding replaces it with.
/// </summary>
internal static class Gpt2PreTokenizer
{
    private const byte Whitespace = 0, Letter = 1, Number = 2, Other = 3;

    /// <summary>Class of every BMP code unit (surrogates: <see cref="Other"/>; pairs are classified separately).</summary>
    private static readonly byte[] s_bmpClass = BuildBmpTable();

    private static byte[] BuildBmpTable()
    {
        var table = new byte[65536];
        for (int c = 0; c < 65536; c++)
        {
            table[c] = IsWhiteSpaceProperty(c) ? Whitespace : FromCategory(CharUnicodeInfo.GetUnicodeCategory((char)c));
        }
        return table;
    }

    /// <summary>Unicode's White_Space property (what <c>\s</c> means in the reference's regex engine).</summary>
    private static bool IsWhiteSpaceProperty(int c) =>
        c is >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 or >= 0x2000 and <= 0x200A or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    private static byte FromCategory(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter,
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
        _ => Other,
    };

    /// <summary>Class of the code point at <paramref name="i"/>; <paramref name="width"/> is 2 for a surrogate pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Classify(ReadOnlySpan<char> s, int i, out int width)
    {
        char c = s[i];
        width = 1;
        if (!char.IsHighSurrogate(c))
        {
            return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s_bmpClass), c);
        }
        return ClassifyPair(s, i, ref width);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte ClassifyPair(ReadOnlySpan<char> s, int i, ref int width)
    {
        if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            width = 2;
            return FromCategory(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(s[i], s[i + 1])));
        }
        return Other; // lone high surrogate → U+FFFD
    }

    /// <summary>End (exclusive) of the piece that starts at <paramref name="start"/> (which must be inside the text).</summary>
    public static int NextPieceEnd(ReadOnlySpan<char> s, int start)
    {
        int n = s.Length;
        int i = start;
        char c = s[i];
        if (c == '\'' && i + 1 < n)
        {
            char d = s[i + 1];
            if (d is 's' or 't' or 'm' or 'd')
            {
                return i + 2;
            }
            if (i + 2 < n)
            {
                char e = s[i + 2];
                if ((e == 'e' && d is 'r' or 'v') || (d == 'l' && e == 'l'))
                {
                    return i + 3;
                }
            }
        }

        byte cls = Classify(s, i, out int width);
        if (c == ' ' && i + 1 < n)
        {
            byte next = Classify(s, i + 1, out int nextWidth);
            if (next != Whitespace)
            {
                cls = next;
                i++;
                width = nextWidth;
            }
        }
        if (cls != Whitespace)
        {
            i += width;
            while (i < n && Classify(s, i, out width) == cls)
            {
                i += width;
            }
            return i;
        }

        int j = i + 1;
        while (j < n && s_bmpClass[s[j]] == Whitespace)
        {
            j++;
        }
        if (j == n || j - start == 1)
        {
            return j;
        }
        return j - 1;
    }
}
