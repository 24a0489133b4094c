namespace Trm.Data.Puzzles.Sudoku;

/// <summary>
/// A validity-preserving Sudoku symmetry, as the reference builder draws them: optional transposition, then a row
/// permutation that shuffles the three bands and the rows inside each band, a column permutation that does the same
/// for stacks, then a relabelling of digits 1–9 (blank 0 stays 0). Output cell (i, j) takes the (transposed) input's
/// cell (<see cref="RowPermutation"/>[i], <see cref="ColumnPermutation"/>[j]). Apply the same instance to a puzzle and
/// its solution; <see cref="Inverse"/> maps predictions back.
/// </summary>
public sealed class SudokuAugmentation
{
    private readonly byte[] _digitMap;
    private readonly int[] _rows;
    private readonly int[] _cols;

    /// <summary>Creates an augmentation; the maps are validated (band-preserving permutations, digit bijection with 0 fixed).</summary>
    /// <param name="digitMap">10 entries: <c>digitMap[d]</c> is the new digit of d; entry 0 must be 0.</param>
    /// <param name="transpose">Whether to transpose first.</param>
    /// <param name="rowPermutation">9 source rows; bands and rows within bands permuted only.</param>
    /// <param name="columnPermutation">9 source columns; stacks and columns within stacks permuted only.</param>
    /// <exception cref="ArgumentException">A map is not of the allowed form.</exception>
    public SudokuAugmentation(ReadOnlySpan<byte> digitMap, bool transpose, ReadOnlySpan<int> rowPermutation, ReadOnlySpan<int> columnPermutation)
    {
        if (digitMap.Length != 10 || digitMap[0] != 0 || !IsPermutation(digitMap[1..].ToArray().Select(d => d - 1).ToArray(), 9))
            throw new ArgumentException("The digit map must fix 0 and permute 1–9.", nameof(digitMap));
        if (!IsBandPermutation(rowPermutation))
            throw new ArgumentException("The row permutation must permute bands and rows within bands.", nameof(rowPermutation));
        if (!IsBandPermutation(columnPermutation))
            throw new ArgumentException("The column permutation must permute stacks and columns within stacks.", nameof(columnPermutation));
        _digitMap = digitMap.ToArray();
        Transpose = transpose;
        _rows = rowPermutation.ToArray();
        _cols = columnPermutation.ToArray();
    }

    /// <summary>The identity transform.</summary>
    public static SudokuAugmentation Identity { get; } = new([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], false, [0, 1, 2, 3, 4, 5, 6, 7, 8], [0, 1, 2, 3, 4, 5, 6, 7, 8]);

    /// <summary>New digit of each old digit (entry 0 is 0).</summary>
    public IReadOnlyList<byte> DigitMap => _digitMap;

    /// <summary>Whether the grid is transposed before permuting.</summary>
    public bool Transpose { get; }

    /// <summary>Source row of each output row.</summary>
    public IReadOnlyList<int> RowPermutation => _rows;

    /// <summary>Source column of each output column.</summary>
    public IReadOnlyList<int> ColumnPermutation => _cols;

    /// <summary>Draws a random augmentation (transpose with probability ½, random bands/stacks and lines, random digits).</summary>
    internal static SudokuAugmentation Random(DeterministicRandom rng)
    {
        var digits = rng.Permutation(9);
        Span<byte> map = stackalloc byte[10];
        for (var d = 0; d < 9; d++)
            map[d + 1] = (byte)(digits[d] + 1);
        var transpose = rng.NextDouble() < 0.5;
        return new SudokuAugmentation(map, transpose, BandPermutation(rng), BandPermutation(rng));
    }

    /// <summary>Draws a random augmentation from a seed.</summary>
    public static SudokuAugmentation Random(int seed) => Random(new DeterministicRandom(seed));

    private static int[] BandPermutation(DeterministicRandom rng)
    {
        var bands = rng.Permutation(3);
        var perm = new int[9];
        for (var b = 0; b < 3; b++)
        {
            var inner = rng.Permutation(3);
            for (var k = 0; k < 3; k++)
                perm[b * 3 + k] = bands[b] * 3 + inner[k];
        }
        return perm;
    }

    /// <summary>Transforms an 81-cell grid (0 = blank) into <paramref name="destination"/>.</summary>
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        SudokuSolver.CheckShape(source);
        if (destination.Length != SudokuSolver.Cells)
            throw new ArgumentException("The destination needs 81 cells.", nameof(destination));
        for (var i = 0; i < 9; i++)
        {
            for (var j = 0; j < 9; j++)
            {
                int r = _rows[i], c = _cols[j];
                var value = Transpose ? source[c * 9 + r] : source[r * 9 + c];
                destination[i * 9 + j] = _digitMap[value];
            }
        }
    }

    /// <summary>Returns the transformed copy of <paramref name="source"/>.</summary>
    public byte[] Apply(ReadOnlySpan<byte> source)
    {
        var result = new byte[SudokuSolver.Cells];
        Apply(source, result);
        return result;
    }

    /// <summary>The transform that undoes this one: <c>Inverse.Apply(Apply(x)) == x</c>.</summary>
    public SudokuAugmentation Inverse()
    {
        Span<byte> digits = stackalloc byte[10];
        for (var d = 0; d < 10; d++)
            digits[_digitMap[d]] = (byte)d;
        var rowInv = InvertPermutation(_rows);
        var colInv = InvertPermutation(_cols);
        // Without transpose: x[a,b] = y[rowInv[a], colInv[b]]. With it: x[a,b] = yᵀ[colInv[a], rowInv[b]].
        return Transpose
            ? new SudokuAugmentation(digits, true, colInv, rowInv)
            : new SudokuAugmentation(digits, false, rowInv, colInv);
    }

    private static int[] InvertPermutation(int[] p)
    {
        var inv = new int[p.Length];
        for (var i = 0; i < p.Length; i++)
            inv[p[i]] = i;
        return inv;
    }

    private static bool IsPermutation(ReadOnlySpan<int> p, int n)
    {
        if (p.Length != n)
            return false;
        Span<bool> seen = stackalloc bool[n];
        foreach (var v in p)
        {
            if ((uint)v >= (uint)n || seen[v])
                return false;
            seen[v] = true;
        }
        return true;
    }

    private static bool IsBandPermutation(ReadOnlySpan<int> p)
    {
        if (!IsPermutation(p, 9))
            return false;
        for (var b = 0; b < 3; b++)
            for (var k = 1; k < 3; k++)
                if (p[b * 3 + k] / 3 != p[b * 3] / 3)
                    return false;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"t{(Transpose ? 1 : 0)} rows {string.Concat(_rows)} cols {string.Concat(_cols)} digits {string.Concat(_digitMap)}";
}
