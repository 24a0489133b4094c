using Trm.Torch;

namespace Trm.Model;

/// <summary>
/// One batch of puzzle examples (the reference's batch dict): token ids, labels (-100 = ignored) and the puzzle
/// identifier of each example. Owns its tensors.
/// </summary>
public sealed class TrmBatch : IDisposable
{
    /// <summary>Wraps the three tensors, checking their shapes agree.</summary>
    /// <param name="inputs">[B, SeqLen] integer token ids.</param>
    /// <param name="labels">[B, SeqLen] integer targets, -100 where no loss is taken.</param>
    /// <param name="puzzleIdentifiers">[B] integer puzzle ids.</param>
    /// <exception cref="ArgumentException">Shapes disagree.</exception>
    public TrmBatch(Tensor inputs, Tensor labels, Tensor puzzleIdentifiers)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(puzzleIdentifiers);
        if (inputs.Dim != 2 || !inputs.Shape.SequenceEqual(labels.Shape))
        {
            throw new ArgumentException(
                $"TrmBatch: inputs [{string.Join(", ", inputs.Shape)}] and labels [{string.Join(", ", labels.Shape)}] must both be [B, SeqLen].",
                nameof(labels));
        }

        if (puzzleIdentifiers.Dim != 1 || puzzleIdentifiers.Size(0) != inputs.Size(0))
        {
            throw new ArgumentException(
                $"TrmBatch: puzzle identifiers [{string.Join(", ", puzzleIdentifiers.Shape)}] must be [B] with B = {inputs.Size(0)}.",
                nameof(puzzleIdentifiers));
        }

        Inputs = inputs;
        Labels = labels;
        PuzzleIdentifiers = puzzleIdentifiers;
    }

    /// <summary>[B, SeqLen] token ids.</summary>
    public Tensor Inputs { get; }

    /// <summary>[B, SeqLen] targets; -100 marks positions without loss.</summary>
    public Tensor Labels { get; }

    /// <summary>[B] puzzle identifiers (rows of the puzzle-embedding table).</summary>
    public Tensor PuzzleIdentifiers { get; }

    /// <summary>Number of examples B.</summary>
    public long Size => Inputs.Size(0);

    /// <summary>A copy of the batch on <paramref name="device"/>.</summary>
    public TrmBatch To(Device device) => new(Inputs.To(device), Labels.To(device), PuzzleIdentifiers.To(device));

    /// <summary>Per example, this batch's row where <paramref name="take"/> is true, else <paramref name="current"/>'s row.</summary>
    internal TrmBatch Where(Tensor take, TrmBatch current)
    {
        var rows = take.View(-1, 1);
        return new TrmBatch(
            Tensors.Where(rows, Inputs, current.Inputs),
            Tensors.Where(rows, Labels, current.Labels),
            Tensors.Where(take, PuzzleIdentifiers, current.PuzzleIdentifiers));
    }

    /// <summary>Detaches the tensors from any dispose scope: the batch then lives until disposed.</summary>
    internal TrmBatch KeepAlive()
    {
        Inputs.DetachFromDisposeScope();
        Labels.DetachFromDisposeScope();
        PuzzleIdentifiers.DetachFromDisposeScope();
        return this;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
        PuzzleIdentifiers.Dispose();
    }
}
