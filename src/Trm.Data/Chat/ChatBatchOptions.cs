namespace Trm.Data.Chat;

/// <summary>How <see cref="ChatBatchLoader"/> forms batches.</summary>
public sealed record ChatBatchOptions
{
    /// <summary>Rows per batch. Default 8.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Padded: the longest row allowed (longer examples are cut; default: the dataset's max length − 1). Packed: the
    /// row length (required).
    /// </summary>
    public int? SequenceLength { get; init; }

    /// <summary>Packed (examples concatenated and cut into full rows) instead of padded (one example per row).</summary>
    public bool Packed { get; init; }

    /// <summary>Shuffle the examples each epoch (default yes).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The shuffle seed (epoch e uses a permutation derived from it and e). Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Leave out a last, incomplete batch. Default no.</summary>
    public bool DropLast { get; init; }
}
