namespace Trm.Data.Puzzles;

/// <summary>
/// The eight symmetries of a rectangle grid, numbered as in the reference (<c>dataset/common.py</c>): 0 identity,
/// 1 rotate 90° counter-clockwise, 2 rotate 180°, 3 rotate 270°, 4 flip left-right, 5 flip up-down, 6 transpose,
/// 7 anti-transpose (flip left-right after a 90° rotation). <see cref="Inverse"/> gives the undoing transform
/// (1 ↔ 3, the rest are their own inverse).
/// </summary>
public static class DihedralTransform
{
    /// <summary>Number of transforms.</summary>
    public const int Count = 8;

    /// <summary>The transform that undoes <paramref name="transform"/>.</summary>
    public static int Inverse(int transform) => Check(transform) switch
    {
        1 => 3,
        3 => 1,
        var t => t,
    };

    /// <summary>Applies transform <paramref name="transform"/> to <paramref name="grid"/> and returns the new grid.</summary>
    public static T[,] Apply<T>(T[,] grid, int transform)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Check(transform);
        int h = grid.GetLength(0), w = grid.GetLength(1);
        var swap = transform is 1 or 3 or 6 or 7;
        var result = swap ? new T[w, h] : new T[h, w];
        int oh = result.GetLength(0), ow = result.GetLength(1);
        for (var i = 0; i < oh; i++)
        {
            for (var j = 0; j < ow; j++)
            {
                result[i, j] = transform switch
                {
                    0 => grid[i, j],
                    1 => grid[j, w - 1 - i],
                    2 => grid[h - 1 - i, w - 1 - j],
                    3 => grid[h - 1 - j, i],
                    4 => grid[i, w - 1 - j],
                    5 => grid[h - 1 - i, j],
                    6 => grid[j, i],
                    _ => grid[h - 1 - j, w - 1 - i],
                };
            }
        }
        return result;
    }

    /// <summary>Applies transform <paramref name="transform"/> to a square row-major grid of side <paramref name="size"/>.</summary>
    public static T[] ApplySquare<T>(ReadOnlySpan<T> cells, int size, int transform)
    {
        if (cells.Length != size * size)
            throw new ArgumentException($"Expected {size}×{size} cells, got {cells.Length}.", nameof(cells));
        var grid = new T[size, size];
        for (var i = 0; i < cells.Length; i++)
            grid[i / size, i % size] = cells[i];
        var t = Apply(grid, transform);
        var flat = new T[cells.Length];
        for (var i = 0; i < flat.Length; i++)
            flat[i] = t[i / size, i % size];
        return flat;
    }

    private static int Check(int transform)
    {
        if ((uint)transform >= Count)
            throw new ArgumentOutOfRangeException(nameof(transform), transform, "Dihedral transforms are numbered 0–7.");
        return transform;
    }
}
