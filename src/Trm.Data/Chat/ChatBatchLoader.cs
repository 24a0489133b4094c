namespace Trm.Data.Chat;

/// <summary>
/// Serves padded or packed batches (plain int/byte arrays) from a <see cref="ChatDatasetSplit"/>, epoch by epoch, with a
/// seeded shuffle. Deterministic: the same seed and epoch give the same batches.
/// </summary>
public sealed class ChatBatchLoader
{
    private readonly ChatDatasetSplit _split;
    private readonly ChatBatchOptions _options;
    private readonly int _padId;
    private readonly int _sequenceLength;

    /// <summary>Creates a loader over <paramref name="split"/>; <paramref name="padId"/> fills padding (see <see cref="ChatDatasetInfo.PadId"/>).</summary>
    public ChatBatchLoader(ChatDatasetSplit split, int padId, int maxLength, ChatBatchOptions? options = null)
    {
        _split = split;
        _options = options ?? new ChatBatchOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.BatchSize);
        if (_options.Packed && _options.SequenceLength is null)
            throw new ArgumentException("packed batches need a sequence length", nameof(options));
        _padId = padId;
        _sequenceLength = _options.SequenceLength ?? maxLength - 1;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_sequenceLength);
    }

    /// <summary>Creates a loader over a split of <paramref name="dataset"/>.</summary>
    public ChatBatchLoader(ChatDataset dataset, string split, ChatBatchOptions? options = null)
        : this(split == "train" ? dataset.Train : split == "val" ? dataset.Val : throw new ArgumentException($"unknown split '{split}'", nameof(split)),
            dataset.Info.PadId, dataset.Info.MaxLength, options)
    {
    }

    /// <summary>The batches of epoch <paramref name="epoch"/>.</summary>
    public IEnumerable<ChatBatch> Epoch(int epoch = 0)
    {
        var order = Enumerable.Range(0, _split.Count).ToArray();
        if (_options.Shuffle)
        {
            var rng = new SplitMix64(SplitMix64.Mix(unchecked((ulong)_options.Seed), (ulong)epoch));
            for (var i = order.Length - 1; i > 0; i--)
            {
                var j = (int)rng.NextLong(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        return _options.Packed ? Packed(order) : Padded(order);
    }

    private IEnumerable<ChatBatch> Padded(int[] order)
    {
        var b = _options.BatchSize;
        for (var start = 0; start < order.Length; start += b)
        {
            var rows = Math.Min(b, order.Length - start);
            if (rows < b && _options.DropLast)
                yield break;
            var examples = order.AsSpan(start, rows).ToArray();
            var length = Math.Min(_sequenceLength, examples.Max(e => _split.Length(e)) - 1);
            length = Math.Max(length, 1);
            var batch = NewBatch(rows, length, examples);
            for (var row = 0; row < rows; row++)
            {
                var (ids, mask) = _split[examples[row]];
                var n = Math.Min(ids.Length - 1, length);
                ids.AsSpan(0, n).CopyTo(batch.Inputs.AsSpan(row * length));
                ids.AsSpan(1, n).CopyTo(batch.Targets.AsSpan(row * length));
                mask.AsSpan(1, n).CopyTo(batch.LossMask.AsSpan(row * length));
            }
            yield return batch;
        }
    }

    private IEnumerable<ChatBatch> Packed(int[] order)
    {
        // Examples are concatenated in epoch order; each row takes the next T + 1 tokens (x = first T, y = last T).
        var t = _sequenceLength;
        var b = _options.BatchSize;
        var rowTokens = new List<int>(t + 1);
        var rowMask = new List<byte>(t + 1);
        var rows = new List<(int[] Ids, byte[] Mask)>();
        var started = new List<int>();
        foreach (var example in order)
        {
            var (ids, mask) = _split[example];
            started.Add(example);
            for (var i = 0; i < ids.Length; i++)
            {
                rowTokens.Add(ids[i]);
                rowMask.Add(mask[i]);
                if (rowTokens.Count == t + 1)
                {
                    rows.Add(([.. rowTokens], [.. rowMask]));
                    rowTokens.Clear();
                    rowMask.Clear();
                    if (rows.Count == b)
                    {
                        yield return PackedBatch(rows, started);
                        rows.Clear();
                        started.Clear();
                    }
                }
            }
        }
        if (rowTokens.Count > 1)
            rows.Add(([.. rowTokens], [.. rowMask]));
        if (rows.Count > 0 && !(_options.DropLast && rows.Count < b))
            yield return PackedBatch(rows, started);
    }

    private ChatBatch PackedBatch(List<(int[] Ids, byte[] Mask)> rows, List<int> started)
    {
        var t = _sequenceLength;
        var batch = NewBatch(rows.Count, t, [.. started]);
        for (var row = 0; row < rows.Count; row++)
        {
            var (ids, mask) = rows[row];
            var n = ids.Length - 1;
            ids.AsSpan(0, n).CopyTo(batch.Inputs.AsSpan(row * t));
            ids.AsSpan(1, n).CopyTo(batch.Targets.AsSpan(row * t));
            mask.AsSpan(1, n).CopyTo(batch.LossMask.AsSpan(row * t));
        }
        return batch;
    }

    private ChatBatch NewBatch(int rows, int length, int[] examples)
    {
        var inputs = new int[rows * length];
        var targets = new int[rows * length];
        Array.Fill(inputs, _padId);
        Array.Fill(targets, _padId);
        return new ChatBatch(rows, length, inputs, targets, new byte[rows * length], examples);
    }
}
