using System.Runtime.CompilerServices;

namespace Trm.Tokenization.Bpe;

/// <summary>
/// Immutable open-addressing table from the text of a token (tokens that are whole UTF-8 characters) to its id, probed
/// with a precomputed <see cref="PieceHash"/>. Read-only after construction: thread-safe, allocation-free lookups.
/// </summary>
internal sealed class WholeTokenTable
{
    private readonly ulong[] _slots;   // (hash << 32) | (entry + 1); 0 = empty
    private readonly char[] _chars;
    private readonly int[] _offsets;   // entry e's text is _chars[_offsets[e] .. _offsets[e + 1]]
    private readonly int[] _ids;
    private readonly int _mask;

    public WholeTokenTable(IReadOnlyCollection<KeyValuePair<string, int>> tokens)
    {
        int capacity = 2;
        while (capacity < tokens.Count * 2)
        {
            capacity <<= 1;
        }
        _slots = new ulong[capacity];
        _mask = capacity - 1;
        _chars = new char[tokens.Sum(t => t.Key.Length)];
        _offsets = new int[tokens.Count + 1];
        _ids = new int[tokens.Count];
        int entry = 0, offset = 0;
        foreach (var (text, id) in tokens)
        {
            text.CopyTo(_chars.AsSpan(offset));
            _offsets[entry] = offset;
            _ids[entry] = id;
            offset += text.Length;
            uint hash = PieceHash.Compute(text);
            int slot = (int)hash & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }
            _slots[slot] = ((ulong)hash << 32) | (uint)(entry + 1);
            entry++;
        }
        _offsets[entry] = offset;
        Count = entry;
    }

    public int Count { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<char> text, uint hash, out int id)
    {
        int slot = (int)hash & _mask;
        while (true)
        {
            ulong s = _slots[slot];
            if (s == 0)
            {
                id = -1;
                return false;
            }
            if ((uint)(s >> 32) == hash)
            {
                int entry = (int)(uint)s - 1;
                int start = _offsets[entry];
                if (_offsets[entry + 1] - start == text.Length && text.SequenceEqual(_chars.AsSpan(start, text.Length)))
                {
                    id = _ids[entry];
                    return true;
                }
            }
            slot = (slot + 1) & _mask;
        }
    }
}
