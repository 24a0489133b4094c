namespace Trm.Data.Puzzles;

/// <summary>Options of a <see cref="PuzzleDataset"/> (the reference's <c>PuzzleDatasetConfig</c>).</summary>
public sealed record PuzzleDatasetOptions
{
    /// <summary>Dataset roots (each holding <c>train/</c>, <c>test/</c> and <c>identifiers.json</c>); several are merged set by set.</summary>
    public required IReadOnlyList<string> DatasetPaths { get; init; }

    /// <summary>The split folder to read (<c>train</c> or <c>test</c>).</summary>
    public string Split { get; init; } = "train";

    /// <summary>Seed of the training shuffles (pass e uses seed and e).</summary>
    public long Seed { get; init; }

    /// <summary>Examples per global batch (all ranks together); a multiple of <see cref="WorldSize"/>.</summary>
    public required int GlobalBatchSize { get; init; }

    /// <summary>Test mode: every example once, in order, last batch padded. Otherwise training mode.</summary>
    public bool TestSetMode { get; init; }

    /// <summary>Epochs concatenated into one pass of training iteration (<c>epochs_per_iter</c>).</summary>
    public int EpochsPerIteration { get; init; } = 1;

    /// <summary>This process's rank in [0, <see cref="WorldSize"/>).</summary>
    public int Rank { get; init; }

    /// <summary>Number of ranks (<c>num_replicas</c>).</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>Memory-map inputs and labels (default) instead of loading them.</summary>
    public bool MemoryMap { get; init; } = true;

    /// <summary>Scan token ids against the vocabulary when opening.</summary>
    public bool ValidateTokens { get; init; } = true;

    /// <summary>
    /// Reuse one set of batch arrays for every batch instead of allocating new ones (fewer large-object GCs). A batch's
    /// arrays are then only valid until the next batch is requested: copy them (e.g. into tensors) before moving on.
    /// </summary>
    public bool ReuseBatchBuffers { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when the options are inconsistent.</summary>
    public void Validate()
    {
        if (DatasetPaths is null || DatasetPaths.Count == 0)
            throw new ArgumentException("At least one dataset path is required.", nameof(DatasetPaths));
        if (GlobalBatchSize <= 0)
            throw new ArgumentException($"GlobalBatchSize must be positive, got {GlobalBatchSize}.", nameof(GlobalBatchSize));
        if (WorldSize <= 0)
            throw new ArgumentException($"WorldSize must be positive, got {WorldSize}.", nameof(WorldSize));
        if (Rank < 0 || Rank >= WorldSize)
            throw new ArgumentException($"Rank {Rank} is outside [0, {WorldSize}).", nameof(Rank));
        if (GlobalBatchSize % WorldSize != 0)
            throw new ArgumentException($"GlobalBatchSize {GlobalBatchSize} must be a multiple of WorldSize {WorldSize}.", nameof(GlobalBatchSize));
        if (EpochsPerIteration <= 0)
            throw new ArgumentException($"EpochsPerIteration must be positive, got {EpochsPerIteration}.", nameof(EpochsPerIteration));
        if (string.IsNullOrEmpty(Split))
            throw new ArgumentException("Split must be named.", nameof(Split));
    }
}
