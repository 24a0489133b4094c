namespace Trm.Data.Puzzles.Maze;

/// <summary>
/// Token encoding of mazes in the reference layout: one token per cell, row-major, charset <c>"# SGo"</c> →
/// 1..5 (<c>#</c> wall 1, space open 2, <c>S</c> start 3, <c>G</c> goal 4, <c>o</c> path 5), PAD 0, vocabulary 6,
/// seq_len N². Inputs hold walls, open cells, S and G; labels additionally mark the shortest path's cells with <c>o</c>.
/// </summary>
public static class MazeEncoding
{
    /// <summary>The characters of tokens 1..5.</summary>
    public const string Charset = "# SGo";

    /// <summary>Vocabulary size (PAD + charset).</summary>
    public const int VocabSize = 6;

    /// <summary>Wall character.</summary>
    public const char Wall = '#';

    /// <summary>Open cell character.</summary>
    public const char Open = ' ';

    /// <summary>Start character.</summary>
    public const char Start = 'S';

    /// <summary>Goal character.</summary>
    public const char Goal = 'G';

    /// <summary>Path character (labels only).</summary>
    public const char Path = 'o';

    /// <summary>The token of a maze character.</summary>
    /// <exception cref="ArgumentException">The character is not in <see cref="Charset"/>.</exception>
    public static byte Token(char c)
    {
        var i = Charset.IndexOf(c);
        if (i < 0)
            throw new ArgumentException($"'{c}' is not a maze character (\"{Charset}\").", nameof(c));
        return (byte)(i + 1);
    }

    /// <summary>Encodes maze characters into tokens.</summary>
    public static byte[] Encode(ReadOnlySpan<char> cells)
    {
        var tokens = new byte[cells.Length];
        for (var i = 0; i < cells.Length; i++)
            tokens[i] = Token(cells[i]);
        return tokens;
    }

    /// <summary>Decodes tokens into maze characters (PAD becomes '?').</summary>
    public static char[] Decode(ReadOnlySpan<int> tokens)
    {
        var cells = new char[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
            cells[i] = tokens[i] is >= 1 and <= 5 ? Charset[tokens[i] - 1] : '?';
        return cells;
    }

    /// <summary>Renders a square maze as lines of characters.</summary>
    public static string Render(ReadOnlySpan<char> cells)
    {
        var size = (int)Math.Round(Math.Sqrt(cells.Length));
        var sb = new System.Text.StringBuilder();
        for (var r = 0; r < size; r++)
            sb.Append(cells.Slice(r * size, size)).AppendLine();
        return sb.ToString();
    }
}
