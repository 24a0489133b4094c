namespace Trm.Data.TokenStream;

/// <summary>
/// Everything a <see cref="TokenBatchSampler"/> needs to continue exactly where it was (save it with a checkpoint, pass it
/// to <see cref="TokenBatchSampler.Restore"/>). Serialisable with System.Text.Json.
/// </summary>
public sealed record TokenSamplerState
{
    /// <summary>The generator state.</summary>
    public ulong Rng { get; init; }

    /// <summary>Batches drawn so far.</summary>
    public long Step { get; init; }

    /// <summary>Position in the interleaving cycle (multi-dataset with counts).</summary>
    public int InterleaveCursor { get; init; }

    /// <summary>Per stream: the next offset (sequential) or the index within the current epoch's permutation (without replacement).</summary>
    public long[] Positions { get; init; } = [];

    /// <summary>Per stream: the current epoch (without replacement).</summary>
    public long[] Epochs { get; init; } = [];
}
