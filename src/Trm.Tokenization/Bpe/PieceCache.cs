namespace Trm.Tokenization.Bpe;

/// <summary>
/// Bounded, lock-free cache from a pre-tokenized piece to its ids: a direct-mapped array of immutable entries indexed by
/// <see cref="PieceHash"/>. A new piece overwrites whatever shared its slot. Reads and writes are single reference
/// loads and stores, so any number of threads can use it at once; lookups do not allocate.
/// </summary>
internal sealed class PieceCache
{
    /// <summary>Pieces longer than this (in UTF-16 units) are not cached: they are rare and would crowd the cache.</summary>
    public const int MaxPieceLength = 64;

    private readonly Entry?[] _slots;
    private readonly int _mask;

    /// <param name="capacity">Maximum number of pieces held (rounded up to a power of two; 0 disables the cache).</param>
    public PieceCache(int capacity)
    {
        int size = capacity <= 0 ? 0 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new Entry?[size];
        _mask = size - 1;
    }

    public int Capacity => _slots.Length;

    public bool TryGet(ReadOnlySpan<char> piece, uint hash, out int[] ids)
    {
        if (_slots.Length != 0)
        {
            Entry? entry = Volatile.Read(ref _slots[(int)hash & _mask]);
            if (entry is not null && entry.Hash == hash && piece.SequenceEqual(entry.Piece))
            {
                ids = entry.Ids;
                return true;
            }
        }
        ids = [];
        return false;
    }

    public void Add(ReadOnlySpan<char> piece, uint hash, int[] ids)
    {
        if (_slots.Length != 0 && piece.Length <= MaxPieceLength)
        {
            Volatile.Write(ref _slots[(int)hash & _mask], new Entry(piece.ToString(), hash, ids));
        }
    }

    private sealed record Entry(string Piece, uint Hash, int[] Ids);
}
