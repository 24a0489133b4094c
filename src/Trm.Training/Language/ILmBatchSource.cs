namespace Trm.Training.Language;

/// <summary>
/// Serves the training micro-batches of a language-model run pass by pass (a pass is <c>eval_interval</c> epochs), and
/// saves and restores its position so a resumed run draws exactly the batches an uninterrupted one would.
/// </summary>
internal interface ILmBatchSource
{
    /// <summary>Micro-batches in one pass.</summary>
    long MicroBatchesPerPass { get; }

    /// <summary>The next micro-batch, or <see langword="null"/> once at the end of each pass.</summary>
    LmBatch? Next();

    /// <summary>The position before the next micro-batch, as text for <c>trainer.json</c>.</summary>
    string State { get; }

    /// <summary>Continues from a position saved by <see cref="State"/>.</summary>
    /// <exception cref="FormatException">The text is not a position of this kind of source.</exception>
    void Restore(string state);
}
