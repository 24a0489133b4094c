using Trm.Data.Oasst;
using Trm.Data.Readers;

namespace Trm.Data.Chat;

/// <summary>Everything that decides the content of a chat dataset (all of it goes into the fingerprint).</summary>
public sealed record ChatDatasetOptions
{
    /// <summary>The chat/instruction file to read.</summary>
    public required string InputPath { get; init; }

    /// <summary>Its format (default: detected).</summary>
    public ChatFormat Format { get; init; } = ChatFormat.Auto;

    /// <summary>The tokenizer spec: <c>gpt2</c> (default) or <c>char:&lt;vocab.json&gt;</c>. The chat tokens are added after its vocabulary.</summary>
    public string Tokenizer { get; init; } = "gpt2";

    /// <summary>The maximum tokens per example. Default 2048.</summary>
    public int MaxLength { get; init; } = 2048;

    /// <summary>Truncate (default) or drop longer examples.</summary>
    public OverLengthPolicy OverLength { get; init; } = OverLengthPolicy.Truncate;

    /// <summary>The fraction of examples in the train split; the rest is validation. Default 0.95.</summary>
    public double TrainSplit { get; init; } = 0.95;

    /// <summary>Keep only this many conversations, drawn at random with <see cref="Seed"/> (default: all).</summary>
    public int? SubsampleSize { get; init; }

    /// <summary>The seed of the subsample and of the split. Default 42.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Throw on a malformed record (default) or skip and count it.</summary>
    public MalformedRecordPolicy OnMalformed { get; init; } = MalformedRecordPolicy.Throw;

    /// <summary>Thread extraction for OASST1 inputs.</summary>
    public OasstOptions Oasst { get; init; } = new();

    /// <summary>What reasoning traces become (JSONL chat, GSM8K inputs): think blocks (default), plain reply text, or nothing.</summary>
    public ReasoningTraces Reasoning { get; init; } = ReasoningTraces.Think;

    /// <summary>Stop on bytes that are not UTF-8 (default), or replace/drop them (counted in <see cref="ChatDatasetCounts.InvalidUtf8"/>).</summary>
    public InvalidUtf8Policy InvalidUtf8 { get; init; } = InvalidUtf8Policy.Error;

    /// <summary>Threads used for tokenization (default: all cores).</summary>
    public int? Parallelism { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="TrmDataException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxLength < 4)
            throw new TrmDataException($"max length must be at least 4, got {MaxLength}");
        if (TrainSplit is <= 0 or > 1 || double.IsNaN(TrainSplit))
            throw new TrmDataException($"train split must be in (0, 1], got {TrainSplit}");
        if (SubsampleSize is <= 0)
            throw new TrmDataException($"subsample size must be positive, got {SubsampleSize}");
    }
}
