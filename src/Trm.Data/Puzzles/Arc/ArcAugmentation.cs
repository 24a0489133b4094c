using System.Globalization;

namespace Trm.Data.Puzzles.Arc;

/// <summary>
/// An ARC augmentation as the reference draws it: a permutation of colours 1–9 (0, the background, fixed) applied
/// first, then one of the eight <see cref="DihedralTransform"/>s. Augmented puzzles are named
/// <c>&lt;task&gt;|||t&lt;transform&gt;|||&lt;c0…c9&gt;</c> in <c>identifiers.json</c>; <see cref="Parse"/> recovers the
/// task and the augmentation from such a name, and <see cref="Invert"/> maps a predicted grid back to the original task.
/// </summary>
public sealed class ArcAugmentation
{
    /// <summary>Separator of the parts of an augmented puzzle name.</summary>
    public const string Separator = "|||";

    private readonly byte[] _colors;

    /// <summary>Creates an augmentation.</summary>
    /// <param name="transform">Dihedral transform 0–7.</param>
    /// <param name="colorMap">10 entries, <c>colorMap[c]</c> the new colour of c; entry 0 must be 0.</param>
    /// <exception cref="ArgumentException">The colour map is not a permutation fixing 0.</exception>
    public ArcAugmentation(int transform, ReadOnlySpan<byte> colorMap)
    {
        if ((uint)transform >= DihedralTransform.Count)
            throw new ArgumentOutOfRangeException(nameof(transform), transform, "Dihedral transforms are 0–7.");
        if (colorMap.Length != 10 || colorMap[0] != 0 || colorMap.ToArray().Distinct().Count() != 10 || colorMap.ToArray().Any(c => c > 9))
            throw new ArgumentException("The colour map must permute 0–9 and fix 0.", nameof(colorMap));
        Transform = transform;
        _colors = colorMap.ToArray();
    }

    /// <summary>The identity augmentation.</summary>
    public static ArcAugmentation Identity { get; } = new(0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    /// <summary>The dihedral transform id.</summary>
    public int Transform { get; }

    /// <summary>New colour of each colour.</summary>
    public IReadOnlyList<byte> ColorMap => _colors;

    /// <summary>Whether this is the identity.</summary>
    public bool IsIdentity => Transform == 0 && _colors.Select((c, i) => c == i).All(x => x);

    /// <summary>Draws a random augmentation (uniform transform and colour permutation) from a seed.</summary>
    public static ArcAugmentation Random(int seed) => Random(new DeterministicRandom(seed));

    internal static ArcAugmentation Random(DeterministicRandom rng)
    {
        var transform = rng.Next(DihedralTransform.Count);
        var perm = rng.Permutation(9);
        Span<byte> map = stackalloc byte[10];
        for (var i = 0; i < 9; i++)
            map[i + 1] = (byte)(perm[i] + 1);
        return new ArcAugmentation(transform, map);
    }

    /// <summary>Recolours, then transforms, <paramref name="grid"/>.</summary>
    public byte[,] Apply(byte[,] grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var recoloured = new byte[grid.GetLength(0), grid.GetLength(1)];
        for (var r = 0; r < grid.GetLength(0); r++)
            for (var c = 0; c < grid.GetLength(1); c++)
                recoloured[r, c] = _colors[grid[r, c]];
        return DihedralTransform.Apply(recoloured, Transform);
    }

    /// <summary>Undoes <see cref="Apply"/>: <c>Invert(Apply(g))</c> equals g.</summary>
    public byte[,] Invert(byte[,] grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var back = DihedralTransform.Apply(grid, DihedralTransform.Inverse(Transform));
        var inverse = new byte[10];
        for (var c = 0; c < 10; c++)
            inverse[_colors[c]] = (byte)c;
        for (var r = 0; r < back.GetLength(0); r++)
            for (var c = 0; c < back.GetLength(1); c++)
                back[r, c] = inverse[back[r, c]];
        return back;
    }

    /// <summary>The puzzle name of task <paramref name="taskId"/> under this augmentation (the task id itself for the identity).</summary>
    public string Name(string taskId) =>
        IsIdentity ? taskId : $"{taskId}{Separator}t{Transform}{Separator}{string.Concat(_colors.Select(c => (char)('0' + c)))}";

    /// <summary>Splits a puzzle name into the task id and its augmentation (identity for plain task ids).</summary>
    /// <exception cref="FormatException">The name has separators but no valid transform and colour map.</exception>
    public static (string TaskId, ArcAugmentation Augmentation) Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.Split(Separator);
        if (parts.Length == 1)
            return (name, Identity);
        if (parts.Length != 3 || parts[1].Length != 2 || parts[1][0] != 't' || !int.TryParse(parts[1][1..], NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            || parts[2].Length != 10 || parts[2].Any(ch => ch is < '0' or > '9'))
            throw new FormatException($"'{name}' is not an augmented ARC puzzle name (task|||tN|||cccccccccc).");
        try
        {
            return (parts[0], new ArcAugmentation(t, parts[2].Select(ch => (byte)(ch - '0')).ToArray()));
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"'{name}': {e.Message}", e);
        }
    }
}
