namespace Trm.Data;

/// <summary>
/// A small, fast pseudo-random generator (SplitMix64) whose whole state is one <see cref="ulong"/>, so samplers can
/// expose and restore it exactly. Same seed, same sequence, on every platform.
/// </summary>
internal struct SplitMix64(ulong state)
{
    public ulong State = state;

    public ulong NextULong()
    {
        var z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="bound"/>) without modulo bias.</summary>
    public long NextLong(long bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var limit = ulong.MaxValue - ulong.MaxValue % (ulong)bound;
        ulong value;
        do
            value = NextULong();
        while (value >= limit);
        return (long)(value % (ulong)bound);
    }

    /// <summary>A 64-bit mix of the inputs (for seeding derived generators).</summary>
    public static ulong Mix(ulong a, ulong b)
    {
        var g = new SplitMix64(a ^ (b * 0xD1B54A32D192ED03UL));
        return g.NextULong();
    }
}
