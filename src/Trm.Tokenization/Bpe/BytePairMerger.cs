using System.Buffers;

namespace Trm.Tokenization.Bpe;

/// <summary>
/// Rank-based byte-pair merging of one piece: start from one token per byte, then repeatedly merge the adjacent pair
/// with the best (lowest) rank, leftmost first, until no adjacent pair has a merge.
/// </summary>
internal static class BytePairMerger
{
    /// <summary>Pieces up to this many bytes use the quadratic scan over stack buffers; longer ones a heap.</summary>
    private const int ShortPiece = 128;

    /// <summary>Merges <paramref name="bytes"/> and appends the resulting ids to <paramref name="destination"/>.</summary>
    public static void Merge(BpeVocabulary vocab, ReadOnlySpan<byte> bytes, List<int> destination)
    {
        if (bytes.Length <= ShortPiece)
        {
            MergeShort(vocab, bytes, destination);
        }
        else
        {
            MergeLong(vocab, bytes, destination);
        }
    }

    internal static void MergeShort(BpeVocabulary vocab, ReadOnlySpan<byte> bytes, List<int> destination)
    {
        int n = bytes.Length;
        Span<int> ids = stackalloc int[n];
        Span<int> ranks = stackalloc int[n]; // ranks[i]: rank of (ids[i], ids[i + 1])
        Span<int> merged = stackalloc int[n];
        int[] byteToId = vocab.ByteToId;
        PairRankMap merges = vocab.Merges;
        for (int i = 0; i < n; i++)
        {
            ids[i] = byteToId[bytes[i]];
        }
        for (int i = 0; i + 1 < n; i++)
        {
            ranks[i] = merges.GetRank(ids[i], ids[i + 1], out merged[i]);
        }
        while (n > 1)
        {
            int best = int.MaxValue, at = -1;
            for (int i = 0; i + 1 < n; i++)
            {
                if (ranks[i] < best)
                {
                    best = ranks[i];
                    at = i;
                }
            }
            if (at < 0)
            {
                break;
            }
            ids[at] = merged[at];
            int tail = n - at - 2;
            if (tail > 0)
            {
                ids.Slice(at + 2, tail).CopyTo(ids[(at + 1)..]);
                ranks.Slice(at + 2, tail).CopyTo(ranks[(at + 1)..]);
                merged.Slice(at + 2, tail).CopyTo(merged[(at + 1)..]);
            }
            n--;
            if (at > 0)
            {
                ranks[at - 1] = merges.GetRank(ids[at - 1], ids[at], out merged[at - 1]);
            }
            if (at + 1 < n)
            {
                ranks[at] = merges.GetRank(ids[at], ids[at + 1], out merged[at]);
            }
        }
        for (int i = 0; i < n; i++)
        {
            destination.Add(ids[i]);
        }
    }

    /// <summary>
    /// The same merge order for long pieces (long whitespace runs, base64 blobs, unspaced scripts) in O(n log n): a
    /// doubly linked list of tokens and a binary min-heap of candidate pairs keyed by (rank, position). An entry is
    /// stale when its left token was removed or its pair no longer has that rank (a rank names exactly one pair).
    /// </summary>
    internal static void MergeLong(BpeVocabulary vocab, ReadOnlySpan<byte> bytes, List<int> destination)
    {
        int n = bytes.Length;
        int[] ids = ArrayPool<int>.Shared.Rent(n);
        int[] prev = ArrayPool<int>.Shared.Rent(n);
        int[] next = ArrayPool<int>.Shared.Rent(n);
        long[] heap = ArrayPool<long>.Shared.Rent(3 * n);
        try
        {
            PairRankMap merges = vocab.Merges;
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                ids[i] = vocab.ByteToId[bytes[i]];
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
            }
            for (int i = 0; i + 1 < n; i++)
            {
                int rank = merges.GetRank(ids[i], ids[i + 1], out _);
                if (rank != int.MaxValue)
                {
                    Push(heap, ref count, ((long)rank << 32) | (uint)i);
                }
            }
            while (count > 0)
            {
                long top = Pop(heap, ref count);
                int left = (int)(uint)top, right = next[left];
                if (ids[left] < 0 || right < 0 || merges.GetRank(ids[left], ids[right], out int merged) != (int)(top >> 32))
                {
                    continue;
                }
                ids[left] = merged;
                ids[right] = -1;
                int after = next[right];
                next[left] = after;
                if (after >= 0)
                {
                    prev[after] = left;
                    int rank = merges.GetRank(merged, ids[after], out _);
                    if (rank != int.MaxValue)
                    {
                        Push(heap, ref count, ((long)rank << 32) | (uint)left);
                    }
                }
                int before = prev[left];
                if (before >= 0)
                {
                    int rank = merges.GetRank(ids[before], merged, out _);
                    if (rank != int.MaxValue)
                    {
                        Push(heap, ref count, ((long)rank << 32) | (uint)before);
                    }
                }
            }
            for (int i = 0; i >= 0; i = next[i])
            {
                destination.Add(ids[i]);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ids);
            ArrayPool<int>.Shared.Return(prev);
            ArrayPool<int>.Shared.Return(next);
            ArrayPool<long>.Shared.Return(heap);
        }
    }

    private static void Push(long[] heap, ref int count, long key)
    {
        int i = count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (heap[parent] <= key)
            {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private static long Pop(long[] heap, ref int count)
    {
        long top = heap[0];
        long last = heap[--count];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= count)
            {
                break;
            }
            if (child + 1 < count && heap[child + 1] < heap[child])
            {
                child++;
            }
            if (heap[child] >= last)
            {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return top;
    }
}
