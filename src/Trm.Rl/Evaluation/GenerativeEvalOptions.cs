namespace Trm.Rl.Evaluation;

/// <summary>Sampling settings of a <see cref="GenerativeEvaluator"/> (nanochat's chat evaluation flags <c>-n -t -k -m</c>).</summary>
public sealed record GenerativeEvalOptions
{
    /// <summary>Samples per problem, n (default 1); pass@k is reported for k = 1…n.</summary>
    public int Samples { get; init; } = 1;

    /// <summary>Sampling temperature (default 0: greedy; use 1.0 with several samples).</summary>
    public double Temperature { get; init; }

    /// <summary>Top-k filter (default 50; 0 turns it off).</summary>
    public int TopK { get; init; } = 50;

    /// <summary>Most new tokens per reply (default 512).</summary>
    public int MaxNewTokens { get; init; } = 512;

    /// <summary>Seed of the sampling (default 0): runs are reproducible.</summary>
    public long Seed { get; init; }

    /// <summary>Prompts generated together (default 8).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (Samples < 1) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "must be >= 1");
        if (!(Temperature >= 0)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "must be >= 0");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "must be >= 0");
        if (MaxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "must be >= 1");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "must be >= 1");
    }
}
