using System.Runtime.CompilerServices;

namespace Trm.Tokenization.Bpe;

/// <summary>
/// Immutable open-addressing hash map from a token pair (left id, right id) to the merge's rank and the merged id.
/// Read-only after construction, so lookups are thread-safe and allocation-free.
/// </summary>
internal sealed class PairRankMap
{
    private readonly ulong[] _keys;   // (left << 32 | right) + 1; 0 marks an empty slot
    private readonly int[] _ranks;
    private readonly int[] _merged;
    private readonly int _mask;
    private readonly int _shift;

    public PairRankMap(IReadOnlyList<(int Left, int Right, int Merged)> mergesInRankOrder)
    {
        int capacity = 2;
        while (capacity < mergesInRankOrder.Count * 2)
        {
            capacity <<= 1;
        }
        _keys = new ulong[capacity];
        _ranks = new int[capacity];
        _merged = new int[capacity];
        _mask = capacity - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
        for (int rank = 0; rank < mergesInRankOrder.Count; rank++)
        {
            var (left, right, merged) = mergesInRankOrder[rank];
            ulong key = Key(left, right);
            int slot = Slot(key);
            while (_keys[slot] != 0 && _keys[slot] != key)
            {
                slot = (slot + 1) & _mask;
            }
            if (_keys[slot] == key)
            {
                continue; // a repeated merge keeps its first (best) rank
            }
            _keys[slot] = key;
            _ranks[slot] = rank;
            _merged[slot] = merged;
        }
        Count = mergesInRankOrder.Count;
    }

    public int Count { get; }

    /// <summary>Looks up the merge of (<paramref name="left"/>, <paramref name="right"/>); rank is int.MaxValue when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetRank(int left, int right, out int merged)
    {
        ulong key = Key(left, right);
        int slot = Slot(key);
        while (true)
        {
            ulong k = _keys[slot];
            if (k == key)
            {
                merged = _merged[slot];
                return _ranks[slot];
            }
            if (k == 0)
            {
                merged = -1;
                return int.MaxValue;
            }
            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key(int left, int right) => (((ulong)(uint)left << 32) | (uint)right) + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift) & _mask;
}
