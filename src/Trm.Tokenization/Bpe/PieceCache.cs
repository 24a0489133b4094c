using System.Collections.Concurrent;

namespace Trm.Tokenization.Bpe;

/// <summary>
/// Thread-safe, bounded cache from a pre-tokenized piece to its ids. Lookups take a span and do not allocate. When the
/// cache holds <see cref="Capacity"/> entries it is cleared (simple, and text statistics refill it quickly).
/// </summary>
internal sealed class PieceCache
{
    /// <summary>Pieces longer than this (in UTF-16 units) are not cached: they are rare and would crowd the cache.</summary>
    public const int MaxPieceLength = 64;

    private readonly ConcurrentDictionary<string, int[]> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _count;

    public PieceCache(int capacity)
    {
        Capacity = capacity;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Capacity { get; }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(ReadOnlySpan<char> piece, out int[] ids) => _lookup.TryGetValue(piece, out ids!);

    public void Add(ReadOnlySpan<char> piece, int[] ids)
    {
        if (piece.Length > MaxPieceLength || Capacity <= 0)
        {
            return;
        }
        if (Volatile.Read(ref _count) >= Capacity)
        {
            lock (_entries)
            {
                if (_count >= Capacity)
                {
                    _entries.Clear();
                    Volatile.Write(ref _count, 0);
                }
            }
        }
        if (_entries.TryAdd(piece.ToString(), ids))
        {
            Interlocked.Increment(ref _count);
        }
    }
}
