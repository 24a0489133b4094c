using Trm.Data.Chat;
using Trm.Data.Readers;

namespace Trm.Data.Sft;

/// <summary>How an SFT mixture is drawn and built into a chat dataset.</summary>
public sealed record SftMixtureOptions
{
    /// <summary>The recipe name written to the manifest (e.g. <c>r1_ot_mixed</c>), or <see langword="null"/> for a hand-made mixture.</summary>
    public string? Recipe { get; init; }

    /// <summary>
    /// The fraction of plain chat in the mixture (the recipes' <c>--chat_ratio</c>, e.g. 0.30): the chat sources together
    /// get <c>floor(main × ratio / (1 − ratio))</c> examples, main being the other sources' examples. <see langword="null"/>
    /// (default): chat sources count like the others (their stop and epochs).
    /// </summary>
    public double? ChatRatio { get; init; }

    /// <summary>The seed of the shuffle (and of the dataset's train/validation split). Default 42, as the recipes.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Throw on a malformed record (default) or skip and count it per source.</summary>
    public MalformedRecordPolicy OnMalformed { get; init; } = MalformedRecordPolicy.Throw;

    /// <summary>The tokenizer spec of the dataset: <c>gpt2</c> (default) or <c>char:&lt;vocab.json&gt;</c>.</summary>
    public string Tokenizer { get; init; } = "gpt2";

    /// <summary>The maximum tokens per example. Default 2048.</summary>
    public int MaxLength { get; init; } = 2048;

    /// <summary>Truncate (default) or drop longer examples.</summary>
    public OverLengthPolicy OverLength { get; init; } = OverLengthPolicy.Truncate;

    /// <summary>The fraction of the mixture in the train split; the rest is validation. Default 0.95.</summary>
    public double TrainSplit { get; init; } = 0.95;

    /// <summary>Checks the values.</summary>
    /// <exception cref="TrmDataException">A value is out of range.</exception>
    public void Validate()
    {
        if (ChatRatio is { } ratio && (double.IsNaN(ratio) || ratio < 0 || ratio >= 1))
            throw new TrmDataException($"chat ratio must be in [0, 1), got {ratio}");
    }
}
