namespace Trm.Data.TokenStream;

/// <summary>
/// A pseudo-random permutation of <c>[0, n)</c> in O(1) memory: a 4-round Feistel network over the smallest even
/// power-of-two domain that holds n, with cycle walking. <c>Map(i)</c> for i = 0..n-1 visits every value exactly once, so
/// sampling without replacement needs no n-element array even for billions of offsets.
/// </summary>
internal readonly struct FeistelPermutation
{
    private readonly long _n;
    private readonly int _halfBits;
    private readonly ulong _halfMask;
    private readonly ulong _key;

    public FeistelPermutation(long n, ulong key)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        _n = n;
        var bits = 2;
        while (bits < 62 && (1L << bits) < n)
            bits++;
        if (bits % 2 == 1)
            bits++;
        _halfBits = bits / 2;
        _halfMask = (1UL << _halfBits) - 1;
        _key = key;
    }

    public long Map(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _n);
        var value = (ulong)index;
        do
            value = Encrypt(value);
        while (value >= (ulong)_n);
        return (long)value;
    }

    private ulong Encrypt(ulong value)
    {
        var left = value >> _halfBits;
        var right = value & _halfMask;
        for (var round = 0UL; round < 4; round++)
        {
            var f = SplitMix64.Mix(_key + round, right) & _halfMask;
            (left, right) = (right, left ^ f);
        }
        return (left << _halfBits) | right;
    }
}
