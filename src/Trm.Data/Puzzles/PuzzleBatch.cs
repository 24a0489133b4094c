namespace Trm.Data.Puzzles;

/// <summary>
/// One local batch (this rank's slice of a global batch), collated as the reference does: int32 token ids,
/// <c>ignore_label_id</c> replaced by <see cref="PuzzleDataset.IgnoreLabel"/> (-100), and short batches padded to
/// <see cref="BatchSize"/> rows with pad inputs, ignored labels and the blank identifier.
/// </summary>
public sealed class PuzzleBatch
{
    internal PuzzleBatch(string setName, int batchSize, int seqLen, int[] inputs, int[] labels, int[] puzzleIdentifiers, int effectiveBatchSize, int localValidRows, PuzzleIteratorState state, PuzzleIteratorState next)
    {
        SetName = setName;
        BatchSize = batchSize;
        SeqLen = seqLen;
        Inputs = inputs;
        Labels = labels;
        PuzzleIdentifiers = puzzleIdentifiers;
        EffectiveBatchSize = effectiveBatchSize;
        LocalValidRows = localValidRows;
        State = state;
        Next = next;
    }

    /// <summary>The set the batch came from.</summary>
    public string SetName { get; }

    /// <summary>Rows in this local batch (the local batch size, padding included).</summary>
    public int BatchSize { get; }

    /// <summary>Tokens per row.</summary>
    public int SeqLen { get; }

    /// <summary>Input token ids, row-major [<see cref="BatchSize"/>, <see cref="SeqLen"/>].</summary>
    public int[] Inputs { get; }

    /// <summary>Label token ids, row-major [<see cref="BatchSize"/>, <see cref="SeqLen"/>]; -100 where ignored.</summary>
    public int[] Labels { get; }

    /// <summary>Puzzle identifier of each row, [<see cref="BatchSize"/>].</summary>
    public int[] PuzzleIdentifiers { get; }

    /// <summary>Examples in the whole global batch, padding excluded (the reference's <c>global_effective_batch_size</c>; used to normalise metrics).</summary>
    public int EffectiveBatchSize { get; }

    /// <summary>Rows of this local batch that hold real examples (the rest is padding).</summary>
    public int LocalValidRows { get; }

    /// <summary>The iterator state this batch was produced at.</summary>
    public PuzzleIteratorState State { get; }

    /// <summary>The iterator state after this batch: restore it to continue with the following batch.</summary>
    public PuzzleIteratorState Next { get; }
}
