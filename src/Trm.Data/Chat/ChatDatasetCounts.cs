using System.Text.Json.Serialization;

namespace Trm.Data.Chat;

/// <summary>What went into a chat dataset and what was left out, by reason.</summary>
public sealed record ChatDatasetCounts
{
    /// <summary>Records read from the input (lines, list elements or OASST messages/trees).</summary>
    [JsonPropertyName("records_read")] public long RecordsRead { get; init; }

    /// <summary>Conversations the reader produced.</summary>
    [JsonPropertyName("conversations")] public long Conversations { get; init; }

    /// <summary>Malformed records skipped by the reader.</summary>
    [JsonPropertyName("skipped_malformed")] public long SkippedMalformed { get; init; }

    /// <summary>Invalid UTF-8 sequences replaced or dropped (0 under the default policy, which stops on them).</summary>
    [JsonPropertyName("invalid_utf8")] public long InvalidUtf8 { get; init; }

    /// <summary>OASST trees/threads left out by the filters (language, deleted, synthetic, state).</summary>
    [JsonPropertyName("filtered")] public long Filtered { get; init; }

    /// <summary>Conversations left out by the subsample.</summary>
    [JsonPropertyName("subsampled_out")] public long SubsampledOut { get; init; }

    /// <summary>Conversations whose roles do not alternate (user/assistant) and cannot be rendered.</summary>
    [JsonPropertyName("skipped_invalid_turns")] public long SkippedInvalidTurns { get; init; }

    /// <summary>Examples cut to the maximum length.</summary>
    [JsonPropertyName("truncated")] public long Truncated { get; init; }

    /// <summary>Examples dropped for being longer than the maximum length (drop policy, or nothing trained left after truncation).</summary>
    [JsonPropertyName("dropped_over_length")] public long DroppedOverLength { get; init; }

    /// <summary>Examples in the train split.</summary>
    [JsonPropertyName("train_examples")] public long TrainExamples { get; init; }

    /// <summary>Examples in the validation split.</summary>
    [JsonPropertyName("val_examples")] public long ValExamples { get; init; }

    /// <summary>Tokens in the train split.</summary>
    [JsonPropertyName("train_tokens")] public long TrainTokens { get; init; }

    /// <summary>Tokens in the validation split.</summary>
    [JsonPropertyName("val_tokens")] public long ValTokens { get; init; }

    /// <summary>Train tokens with loss mask 1.</summary>
    [JsonPropertyName("train_trained_tokens")] public long TrainTrainedTokens { get; init; }

    /// <summary>Validation tokens with loss mask 1.</summary>
    [JsonPropertyName("val_trained_tokens")] public long ValTrainedTokens { get; init; }
}
