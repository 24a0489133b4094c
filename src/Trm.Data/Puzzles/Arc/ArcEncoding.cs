namespace Trm.Data.Puzzles.Arc;

/// <summary>
/// Token encoding of ARC grids in the reference layout: a 30×30 canvas (seq_len 900, row-major), PAD 0, EOS 1,
/// colours 0–9 → 2–11 (vocabulary 12). The grid sits at a (row, column) offset (0, 0 unless translated); EOS marks the
/// row just below it and the column just right of it (where they fall inside the canvas), the corner left as PAD.
/// </summary>
public static class ArcEncoding
{
    /// <summary>Canvas side.</summary>
    public const int GridSize = 30;

    /// <summary>Tokens per example.</summary>
    public const int SeqLen = GridSize * GridSize;

    /// <summary>Vocabulary size.</summary>
    public const int VocabSize = 12;

    /// <summary>Padding token.</summary>
    public const byte Pad = 0;

    /// <summary>End-of-grid marker.</summary>
    public const byte Eos = 1;

    /// <summary>Token of colour 0; colour c is <c>ColorBase + c</c>.</summary>
    public const byte ColorBase = 2;

    /// <summary>Encodes <paramref name="grid"/> at offset (<paramref name="rowOffset"/>, <paramref name="columnOffset"/>) into a canvas.</summary>
    /// <exception cref="ArgumentException">The grid does not fit at that offset.</exception>
    public static byte[] Encode(byte[,] grid, int rowOffset = 0, int columnOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(grid);
        int rows = grid.GetLength(0), cols = grid.GetLength(1);
        if (rowOffset < 0 || columnOffset < 0 || rowOffset + rows > GridSize || columnOffset + cols > GridSize)
            throw new ArgumentException($"A {rows}×{cols} grid does not fit the canvas at ({rowOffset}, {columnOffset}).", nameof(grid));
        var tokens = new byte[SeqLen];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                tokens[(rowOffset + r) * GridSize + columnOffset + c] = (byte)(ColorBase + grid[r, c]);
        int eosRow = rowOffset + rows, eosCol = columnOffset + cols;
        if (eosRow < GridSize)
            for (var c = columnOffset; c < eosCol; c++)
                tokens[eosRow * GridSize + c] = Eos;
        if (eosCol < GridSize)
            for (var r = rowOffset; r < eosRow; r++)
                tokens[r * GridSize + eosCol] = Eos;
        return tokens;
    }

    /// <summary>
    /// Decodes a canvas back into a grid: the bounding box of colour tokens. Returns <see langword="null"/> when the
    /// canvas holds no colour, or when the box contains PAD/EOS (not a rectangle of colours, e.g. a bad prediction).
    /// </summary>
    public static byte[,]? Decode(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length != SeqLen)
            throw new ArgumentException($"ARC examples have {SeqLen} tokens, got {tokens.Length}.", nameof(tokens));
        int top = GridSize, left = GridSize, bottom = -1, right = -1;
        for (var i = 0; i < SeqLen; i++)
        {
            if (tokens[i] < ColorBase)
                continue;
            int r = i / GridSize, c = i % GridSize;
            top = Math.Min(top, r);
            bottom = Math.Max(bottom, r);
            left = Math.Min(left, c);
            right = Math.Max(right, c);
        }
        if (bottom < 0)
            return null;
        var grid = new byte[bottom - top + 1, right - left + 1];
        for (var r = top; r <= bottom; r++)
        {
            for (var c = left; c <= right; c++)
            {
                var t = tokens[r * GridSize + c];
                if (t is < ColorBase or >= VocabSize)
                    return null;
                grid[r - top, c - left] = (byte)(t - ColorBase);
            }
        }
        return grid;
    }
}
