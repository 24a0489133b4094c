namespace Trm.Rl.RejectionSampling;

/// <summary>Rejection-sampling settings. Immutable; adjust with <c>with</c> and call <see cref="Validate"/>.</summary>
public sealed record RejectionSamplingOptions
{
    /// <summary>Samples drawn per prompt (k). Default 8.</summary>
    public int SamplesPerPrompt { get; init; } = 8;

    /// <summary>Sampling temperature. Default 1.0.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Top-k (0: off). Default 50.</summary>
    public int TopK { get; init; } = 50;

    /// <summary>Most new tokens per sample. Default 256.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>How samples are kept. Default <see cref="RejectionSelection.Verifier"/>.</summary>
    public RejectionSelection Selection { get; init; } = RejectionSelection.Verifier;

    /// <summary>With <see cref="RejectionSelection.TopR"/>: how many of the best samples are kept (Open-Assistant's <c>rs</c>). Default 3.</summary>
    public int TopR { get; init; } = 3;

    /// <summary>With <see cref="RejectionSelection.TopR"/>: samples scoring below this are never kept. Default: no threshold.</summary>
    public double MinReward { get; init; } = double.NegativeInfinity;

    /// <summary>Most samples written per prompt (after selection). Default 1.</summary>
    public int MaxPerPrompt { get; init; } = 1;

    /// <summary>Keep only one of identical replies. Default true.</summary>
    public bool DistinctReplies { get; init; } = true;

    /// <summary>The base seed; each prompt samples with a seed derived from it and the problem id (recorded in each record). Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>The checkpoint the samples come from, recorded in each record's provenance. Default empty.</summary>
    public string Checkpoint { get; init; } = "";

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (SamplesPerPrompt < 1) throw new ArgumentOutOfRangeException(nameof(SamplesPerPrompt), SamplesPerPrompt, "must be ≥ 1");
        if (!(Temperature >= 0) || !double.IsFinite(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "must be ≥ 0 and finite");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "must be ≥ 0 (0 = off)");
        if (MaxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "must be ≥ 1");
        if (TopR < 1) throw new ArgumentOutOfRangeException(nameof(TopR), TopR, "must be ≥ 1");
        if (double.IsNaN(MinReward)) throw new ArgumentOutOfRangeException(nameof(MinReward), MinReward, "must be a number");
        if (MaxPerPrompt < 1) throw new ArgumentOutOfRangeException(nameof(MaxPerPrompt), MaxPerPrompt, "must be ≥ 1");
        ArgumentNullException.ThrowIfNull(Checkpoint);
    }
}
