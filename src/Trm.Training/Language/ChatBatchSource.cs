using System.Globalization;
using Trm.Data.Chat;

namespace Trm.Training.Language;

/// <summary>
/// Training micro-batches of a chat dataset's train split: epoch after epoch of <see cref="ChatBatchLoader"/> batches
/// (shuffled per epoch with the run's seed), padded or packed, with the assistant-only loss mask or every real token.
/// Its position is <c>epoch:batch</c>.
/// </summary>
internal sealed class ChatBatchSource : ILmBatchSource
{
    private readonly ChatBatchLoader _loader;
    private readonly int _padId;
    private readonly bool _allTokens;
    private readonly int _epochsPerPass;
    private readonly long _batchesPerEpoch;
    private IEnumerator<ChatBatch>? _batches;
    private int _epoch;
    private long _index;

    public ChatBatchSource(ChatDatasetSplit split, ChatDatasetInfo info, ChatBatchOptions options, bool allTokens, int epochsPerPass)
    {
        _loader = new ChatBatchLoader(split, info.PadId, info.MaxLength, options);
        _padId = info.PadId;
        _allTokens = allTokens;
        _epochsPerPass = epochsPerPass;
        _batchesPerEpoch = BatchesPerEpoch(split, options);
        if (_batchesPerEpoch == 0) throw new Trm.Data.TrmDataException("the train split has no examples", split.Name, null, null);
        MicroBatchesPerPass = _batchesPerEpoch * epochsPerPass;
    }

    public long MicroBatchesPerPass { get; }

    public string State => string.Create(CultureInfo.InvariantCulture, $"{_epoch}:{_index}");

    public LmBatch? Next()
    {
        if (_index == _batchesPerEpoch)
        {
            _epoch++;
            _index = 0;
            _batches?.Dispose();
            _batches = null;
            if (_epoch % _epochsPerPass == 0) return null;
        }
        _batches ??= _loader.Epoch(_epoch).Skip(checked((int)_index)).GetEnumerator();
        if (!_batches.MoveNext()) throw new InvalidOperationException($"epoch {_epoch} ended after {_index} of {_batchesPerEpoch} batches");
        _index++;
        return ToLmBatch(_batches.Current, _padId, _allTokens);
    }

    public void Restore(string state)
    {
        var parts = state.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var epoch) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var index)
            || epoch < 0 || index < 0 || index > _batchesPerEpoch)
        {
            throw new FormatException($"'{state}' is not a chat data position (epoch:batch with batch ≤ {_batchesPerEpoch})");
        }
        _batches?.Dispose();
        _batches = null;
        _epoch = epoch;
        _index = index;
    }

    /// <summary>Converts a loader batch: the mask is the dataset's (assistant tokens) or every non-padding target.</summary>
    public static LmBatch ToLmBatch(ChatBatch batch, int padId, bool allTokens)
    {
        var mask = batch.LossMask;
        if (allTokens)
        {
            mask = new byte[batch.Targets.Length];
            for (var i = 0; i < mask.Length; i++) mask[i] = batch.Targets[i] != padId ? (byte)1 : (byte)0;
        }
        return new LmBatch(batch.BatchSize, batch.SequenceLength, batch.Inputs, batch.Targets, mask);
    }

    /// <summary>Batches <see cref="ChatBatchLoader"/> makes of <paramref name="split"/> per epoch (without building them).</summary>
    public static long BatchesPerEpoch(ChatDatasetSplit split, ChatBatchOptions options)
    {
        long rows;
        if (options.Packed)
        {
            long rowTokens = options.SequenceLength!.Value + 1L;
            rows = split.TokenCount / rowTokens + (split.TokenCount % rowTokens > 1 ? 1 : 0);
        }
        else
        {
            rows = split.Count;
        }
        return options.DropLast ? rows / options.BatchSize : (rows + options.BatchSize - 1) / options.BatchSize;
    }
}
