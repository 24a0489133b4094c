namespace Trm.Data.Puzzles.Sudoku;

/// <summary>
/// Token encoding of Sudoku in the reference layout: 81 tokens, PAD = 0, blank = 1, digits 1–9 → 2–10
/// (token = cell + 1), vocabulary 11, one puzzle identifier (<c>&lt;blank&gt;</c>), labels ignore id 0.
/// </summary>
public static class SudokuEncoding
{
    /// <summary>Tokens per example.</summary>
    public const int SeqLen = 81;

    /// <summary>Vocabulary size.</summary>
    public const int VocabSize = 11;

    /// <summary>Padding token.</summary>
    public const int PadId = 0;

    /// <summary>Token of a blank cell.</summary>
    public const int BlankToken = 1;

    /// <summary>Encodes a grid (0 blank, 1–9) into tokens (1 blank, 2–10).</summary>
    public static void Encode(ReadOnlySpan<byte> grid, Span<byte> tokens)
    {
        SudokuSolver.CheckShape(grid);
        for (var i = 0; i < SeqLen; i++)
            tokens[i] = (byte)(grid[i] + 1);
    }

    /// <summary>Decodes tokens (any integer type) back into a grid; PAD and blank become 0.</summary>
    /// <exception cref="ArgumentException">A token is outside the vocabulary.</exception>
    public static byte[] Decode(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != SeqLen)
            throw new ArgumentException($"Sudoku examples have {SeqLen} tokens, got {tokens.Length}.", nameof(tokens));
        var grid = new byte[SeqLen];
        for (var i = 0; i < SeqLen; i++)
        {
            var t = tokens[i];
            if (t is < 0 or >= VocabSize)
                throw new ArgumentException($"Token {t} at cell {i} is outside the Sudoku vocabulary.", nameof(tokens));
            grid[i] = (byte)Math.Max(0, t - 1);
        }
        return grid;
    }

    /// <summary>Draws a grid as nine lines with box separators (<c>.</c> for blanks).</summary>
    public static string Render(ReadOnlySpan<byte> grid)
    {
        var sb = new System.Text.StringBuilder();
        for (var r = 0; r < 9; r++)
        {
            if (r is 3 or 6)
                sb.AppendLine("------+-------+------");
            for (var c = 0; c < 9; c++)
            {
                if (c is 3 or 6)
                    sb.Append("| ");
                var d = grid[r * 9 + c];
                sb.Append(d == 0 ? '.' : (char)('0' + d));
                if (c < 8)
                    sb.Append(' ');
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
