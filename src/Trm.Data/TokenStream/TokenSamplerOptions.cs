namespace Trm.Data.TokenStream;

/// <summary>Settings of a <see cref="TokenBatchSampler"/>.</summary>
public sealed record TokenSamplerOptions
{
    /// <summary>Rows per batch. Default 12.</summary>
    public int BatchSize { get; init; } = 12;

    /// <summary>Tokens per row (context length T); each row reads T + 1 tokens. Default 64.</summary>
    public int BlockSize { get; init; } = 64;

    /// <summary>Single (default), multi-dataset or multi-context.</summary>
    public TokenSamplingMode Mode { get; init; } = TokenSamplingMode.Single;

    /// <summary>Random (default), sequential or without replacement.</summary>
    public TokenSamplingMethod Method { get; init; } = TokenSamplingMethod.Random;

    /// <summary>Multi-dataset: the probability of drawing each stream per batch (normalised; default uniform).</summary>
    public IReadOnlyList<double>? Probabilities { get; init; }

    /// <summary>Multi-dataset: interleave deterministically, <c>counts[i]</c> consecutive batches of stream i per cycle (instead of <see cref="Probabilities"/>).</summary>
    public IReadOnlyList<int>? InterleaveCounts { get; init; }

    /// <summary>The seed. Default 1337.</summary>
    public long Seed { get; init; } = 1337;
}
