namespace Trm.Inference.Generation;

/// <summary>
/// How a <see cref="TextGenerator"/> picks tokens and when it stops. Sampling applies temperature, then top-k, then top-p
/// (the smallest set of most probable tokens whose probability reaches <see cref="TopP"/>, never empty), then draws from
/// the renormalised distribution; <see cref="Temperature"/> 0 is greedy decoding (the most probable token, lowest id on
/// ties). Immutable; share one across calls.
/// </summary>
public sealed record GenerationOptions
{
    /// <summary>The defaults: temperature 1, no top-k / top-p, 100 new tokens, no stops, unseeded.</summary>
    public static GenerationOptions Default { get; } = new();

    /// <summary>Greedy decoding (temperature 0).</summary>
    public static GenerationOptions Greedy { get; } = new() { Temperature = 0 };

    /// <summary>Divides the logits (default 1); 0 means greedy.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Keep only the k most probable tokens (ties at the k-th kept); 0 (default) keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling threshold in (0, 1]; 1 (default) keeps all.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Seed of the sampler, for reproducible samples; null draws a fresh seed.</summary>
    public long? Seed { get; init; }

    /// <summary>Most tokens generated per row (default 100); generation also stops when the model's positions run out.</summary>
    public int MaxNewTokens { get; init; } = 100;

    /// <summary>Token ids that end a row (kept in its token ids and log-probabilities, left out of its text).</summary>
    public IReadOnlyList<int> StopTokens { get; init; } = [];

    /// <summary>Strings that end a row when its text contains one; the text is cut before it.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(Temperature >= 0) || double.IsInfinity(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "must be finite and ≥ 0");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "must be ≥ 0 (0 = off)");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "must be in (0, 1]");
        if (MaxNewTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "must be ≥ 1");
        if (StopStrings.Any(string.IsNullOrEmpty)) throw new ArgumentOutOfRangeException(nameof(StopStrings), "stop strings must not be empty");
    }
}
