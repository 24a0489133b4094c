using Trm.Torch;

namespace Trm.Model.Language;

/// <summary>
/// Keys and values of every attention layer for every application of the block stack in a causal forward pass, so that
/// a language model extends a sequence by one pass over the new positions only. A TRM applies its one shared stack
/// <c>halt_max_steps × H_cycles × (L_cycles + 1)</c> times per forward; each application sees the states of that same
/// application at earlier positions, so each (step, cycle, update, layer) gets its own slot. Slots are numbered in the
/// order the forward pass reaches them and allocated on first use at full <see cref="Capacity"/>
/// ([batch, heads, capacity, head size] each for keys and values). Also kept: which cached positions are real tokens
/// (padding is never attended to) and each row's next position (for RoPE / learned positions).
/// For inference only (filled under no-grad). Not thread-safe. Create it with
/// <see cref="ICausalLanguageModel.CreateKvCache"/>.
/// </summary>
public sealed class TrmKvCache : IDisposable
{
    private readonly List<(Tensor Keys, Tensor Values)> _slots = [];
    private Tensor _valid;
    private Tensor _nextPosition;
    private bool _disposed;

    /// <summary>An empty cache for <paramref name="batchSize"/> rows of up to <paramref name="capacity"/> positions.</summary>
    /// <param name="batchSize">Rows (every forward through this cache must have this many).</param>
    /// <param name="capacity">Maximum positions (prompt + generated tokens, padding included).</param>
    /// <param name="device">Device of the model.</param>
    public TrmKvCache(long batchSize, int capacity, Device device)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        BatchSize = batchSize;
        Capacity = capacity;
        Device = device;
        _valid = Tensors.Zeros([batchSize, capacity], DType.Bool, device).DetachFromDisposeScope();
        _nextPosition = Tensors.Zeros([batchSize], DType.Int64, device).DetachFromDisposeScope();
    }

    /// <summary>Rows.</summary>
    public long BatchSize { get; }

    /// <summary>Maximum positions.</summary>
    public int Capacity { get; }

    /// <summary>The device of the cached tensors.</summary>
    public Device Device { get; }

    /// <summary>Positions filled so far (padding included).</summary>
    public int Length { get; private set; }

    /// <summary>Number of (application, layer) slots allocated so far.</summary>
    public int SlotCount => _slots.Count;

    /// <summary>Empties the cache (buffers are kept for reuse).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Length = 0;
        _valid.Zero_();
        _nextPosition.Zero_();
    }

    /// <summary>[B, Length] bool: which cached positions are real tokens.</summary>
    internal Tensor ValidPrefix => _valid.Narrow(1, 0, Length);

    /// <summary>[B] int64: the position the next real token of each row takes.</summary>
    internal Tensor NextPosition => _nextPosition;

    /// <summary>Checks that <paramref name="count"/> more positions fit.</summary>
    internal void EnsureRoom(long batch, long count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (batch != BatchSize)
        {
            throw new ArgumentException($"TrmKvCache: the cache holds {BatchSize} rows but the input has {batch}.");
        }
        if (Length + count > Capacity)
        {
            throw new InvalidOperationException(
                $"TrmKvCache: {Length} cached + {count} new positions exceed the capacity of {Capacity}.");
        }
    }

    /// <summary>The key and value buffers of slot <paramref name="index"/>, allocated on first use.</summary>
    internal (Tensor Keys, Tensor Values) Slot(int index, long heads, long headDim, DType dtype)
    {
        if (index < _slots.Count) return _slots[index];
        if (index != _slots.Count) throw new InvalidOperationException("TrmKvCache: slots must be reached in order.");
        var keys = Tensors.Zeros([BatchSize, heads, Capacity, headDim], dtype, Device).DetachFromDisposeScope();
        var values = Tensors.Zeros([BatchSize, heads, Capacity, headDim], dtype, Device).DetachFromDisposeScope();
        _slots.Add((keys, values));
        return (keys, values);
    }

    /// <summary>Records new positions with their validity [B, count] and each row's real-token count [B].</summary>
    internal void Advance(Tensor validNew, Tensor realCount)
    {
        long count = validNew.Size(1);
        using (var window = _valid.Narrow(1, Length, count))
        {
            window.CopyFrom_(validNew);
        }
        using (var next = _nextPosition + realCount)
        {
            _nextPosition.CopyFrom_(next);
        }
        Length += (int)count;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (keys, values) in _slots)
        {
            keys.Dispose();
            values.Dispose();
        }
        _slots.Clear();
        _valid.Dispose();
        _nextPosition.Dispose();
    }
}
