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

    private static void MergeShort(BpeVocabulary vocab, ReadOnlySpan<byte> bytes, List<int> destination)
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
    /// The same merge order for long pieces (long whitespace runs, base64 blobs) in O(n log n): a doubly linked list of
    /// tokens and a heap of candidate pairs ordered by (rank, position); stale heap entries are skipped when popped.
    /// </summary>
    private static void MergeLong(BpeVocabulary vocab, ReadOnlySpan<byte> bytes, List<int> destination)
    {
        int n = bytes.Length;
        int[] ids = ArrayPool<int>.Shared.Rent(n);
        int[] prev = ArrayPool<int>.Shared.Rent(n);
        int[] next = ArrayPool<int>.Shared.Rent(n);
        try
        {
            PairRankMap merges = vocab.Merges;
            var heap = new PriorityQueue<(int Left, int LeftId, int RightId, int Merged), (int Rank, int Position)>(n);
            for (int i = 0; i < n; i++)
            {
                ids[i] = vocab.ByteToId[bytes[i]];
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
            }
            for (int i = 0; i + 1 < n; i++)
            {
                Push(heap, merges, ids, i, i + 1);
            }
            while (heap.TryDequeue(out var pair, out _))
            {
                int left = pair.Left, right = next[left];
                // Skip entries whose tokens changed since they were pushed (ids[] of a removed node is set to -1).
                if (right < 0 || ids[left] != pair.LeftId || ids[right] != pair.RightId)
                {
                    continue;
                }
                ids[left] = pair.Merged;
                ids[right] = -1;
                int after = next[right];
                next[left] = after;
                if (after >= 0)
                {
                    prev[after] = left;
                    Push(heap, merges, ids, left, after);
                }
                if (prev[left] >= 0)
                {
                    Push(heap, merges, ids, prev[left], left);
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
        }
    }

    private static void Push(PriorityQueue<(int, int, int, int), (int, int)> heap, PairRankMap merges, int[] ids, int left, int right)
    {
        int rank = merges.GetRank(ids[left], ids[right], out int merged);
        if (rank != int.MaxValue)
        {
            heap.Enqueue((left, ids[left], ids[right], merged), (rank, left));
        }
    }
}
