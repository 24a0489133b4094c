namespace Trm.Data.TokenStream;

/// <summary>
/// Draws (x, y) batches from memory-mapped token streams, nanoGPT-style, in single, multi-dataset or multi-context mode,
/// with random, sequential or without-replacement offsets and a separate position per stream. Deterministic for a seed;
/// <see cref="State"/> / <see cref="Restore"/> resume exactly. Not thread-safe.
/// </summary>
public sealed class TokenBatchSampler
{
    private readonly IReadOnlyList<TokenStreamFile> _streams;
    private readonly TokenSamplerOptions _options;
    private readonly double[] _cumulative;
    private readonly long[] _offsetCounts;
    private SplitMix64 _rng;
    private long _step;
    private int _interleaveCursor;
    private readonly long[] _positions;
    private readonly long[] _epochs;

    /// <summary>Creates a sampler over <paramref name="streams"/> (one for single mode).</summary>
    /// <exception cref="ArgumentException">Options that do not fit the streams (too short, wrong count of probabilities…).</exception>
    public TokenBatchSampler(IReadOnlyList<TokenStreamFile> streams, TokenSamplerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BlockSize);
        if (streams.Count == 0)
            throw new ArgumentException("at least one token stream is needed", nameof(streams));
        if (options.Mode == TokenSamplingMode.Single && streams.Count != 1)
            throw new ArgumentException($"single mode takes one stream, got {streams.Count}", nameof(streams));
        _streams = streams;
        _options = options;
        foreach (var stream in streams)
        {
            if (stream.Length < options.BlockSize + 1)
                throw new ArgumentException($"{stream.Path} has {stream.Length} tokens, fewer than block size + 1 = {options.BlockSize + 1}", nameof(streams));
        }
        _offsetCounts = options.Mode == TokenSamplingMode.MultiContext
            ? Enumerable.Repeat(streams.Min(s => s.Length) - options.BlockSize, streams.Count).ToArray()
            : streams.Select(s => s.Length - options.BlockSize).ToArray();
        _cumulative = Cumulative(options, streams.Count);
        _rng = new SplitMix64(unchecked((ulong)options.Seed));
        _positions = new long[streams.Count];
        _epochs = new long[streams.Count];
    }

    /// <summary>The state to save for an exact resume.</summary>
    public TokenSamplerState State => new()
    {
        Rng = _rng.State, Step = _step, InterleaveCursor = _interleaveCursor, Positions = (long[])_positions.Clone(), Epochs = (long[])_epochs.Clone(),
    };

    /// <summary>Continues from a saved <paramref name="state"/>.</summary>
    public void Restore(TokenSamplerState state)
    {
        if (state.Positions.Length != _positions.Length || state.Epochs.Length != _epochs.Length)
            throw new ArgumentException($"the state is for {state.Positions.Length} streams, this sampler has {_positions.Length}", nameof(state));
        _rng = new SplitMix64(state.Rng);
        _step = state.Step;
        _interleaveCursor = state.InterleaveCursor;
        state.Positions.CopyTo(_positions, 0);
        state.Epochs.CopyTo(_epochs, 0);
    }

    /// <summary>Draws the next batch.</summary>
    public TokenBatch Next()
    {
        var b = _options.BatchSize;
        var t = _options.BlockSize;
        var offsets = new long[b];
        int dataset;
        IReadOnlyList<TokenStreamFile> sources;
        if (_options.Mode == TokenSamplingMode.MultiContext)
        {
            dataset = -1;
            sources = _streams;
            for (var row = 0; row < b; row++)
                offsets[row] = NextOffset(0);
        }
        else
        {
            dataset = ChooseDataset();
            sources = [_streams[dataset]];
            for (var row = 0; row < b; row++)
                offsets[row] = NextOffset(dataset);
        }
        var inputs = new int[sources.Count][];
        var targets = new int[sources.Count][];
        var window = new int[t + 1];
        for (var s = 0; s < sources.Count; s++)
        {
            inputs[s] = new int[b * t];
            targets[s] = new int[b * t];
            for (var row = 0; row < b; row++)
            {
                sources[s].CopyTo(offsets[row], window);
                window.AsSpan(0, t).CopyTo(inputs[s].AsSpan(row * t));
                window.AsSpan(1, t).CopyTo(targets[s].AsSpan(row * t));
            }
        }
        _step++;
        return new TokenBatch(b, t, dataset, offsets, inputs, targets);
    }

    private int ChooseDataset()
    {
        if (_streams.Count == 1)
            return 0;
        if (_options.InterleaveCounts is { } counts)
        {
            var cursor = _interleaveCursor;
            _interleaveCursor = (_interleaveCursor + 1) % counts.Sum();
            for (var d = 0; d < counts.Count; d++)
            {
                if (cursor < counts[d])
                    return d;
                cursor -= counts[d];
            }
        }
        var u = _rng.NextDouble();
        for (var d = 0; d < _cumulative.Length - 1; d++)
        {
            if (u < _cumulative[d])
                return d;
        }
        return _cumulative.Length - 1;
    }

    private long NextOffset(int stream)
    {
        var count = _offsetCounts[stream];
        switch (_options.Method)
        {
            case TokenSamplingMethod.Random:
                return _rng.NextLong(count);
            case TokenSamplingMethod.Sequential:
                {
                    if (_positions[stream] >= count)
                        _positions[stream] = 0;
                    var offset = _positions[stream];
                    _positions[stream] += _options.BlockSize;
                    return offset;
                }
            default:
                {
                    if (_positions[stream] >= count)
                    {
                        _positions[stream] = 0;
                        _epochs[stream]++;
                    }
                    var key = SplitMix64.Mix(SplitMix64.Mix(unchecked((ulong)_options.Seed), (ulong)stream), (ulong)_epochs[stream]);
                    return new FeistelPermutation(count, key).Map(_positions[stream]++);
                }
        }
    }

    private static double[] Cumulative(TokenSamplerOptions options, int count)
    {
        if (options.InterleaveCounts is { } counts)
        {
            if (counts.Count != count || counts.Any(c => c < 0) || counts.Sum() <= 0)
                throw new ArgumentException($"interleave counts need {count} non-negative values with a positive sum", nameof(options));
        }
        var weights = options.Probabilities ?? Enumerable.Repeat(1.0, count).ToList();
        if (weights.Count != count || weights.Any(w => w < 0 || double.IsNaN(w)) || weights.Sum() <= 0)
            throw new ArgumentException($"sampling probabilities need {count} non-negative values with a positive sum, got [{string.Join(", ", weights)}]", nameof(options));
        var total = weights.Sum();
        var cumulative = new double[count];
        var running = 0.0;
        for (var i = 0; i < count; i++)
        {
            running += weights[i] / total;
            cumulative[i] = running;
        }
        return cumulative;
    }
}
