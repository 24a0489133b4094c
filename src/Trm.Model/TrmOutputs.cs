using Trm.Torch;

namespace Trm.Model;

/// <summary>What one ACT step produces besides the new carry.</summary>
public sealed class TrmOutputs : IDisposable
{
    internal TrmOutputs(Tensor logits, Tensor qHaltLogits, Tensor qContinueLogits, Tensor? targetQContinue)
    {
        Logits = logits;
        QHaltLogits = qHaltLogits;
        QContinueLogits = qContinueLogits;
        TargetQContinue = targetQContinue;
    }

    /// <summary>[B, SeqLen, VocabSize] token logits (prefix positions removed), forward dtype.</summary>
    public Tensor Logits { get; }

    /// <summary>[B] float32 halting logits (halt when &gt; 0).</summary>
    public Tensor QHaltLogits { get; }

    /// <summary>[B] float32 continue logits (used for halting only when <see cref="TrmConfig.NoActContinue"/> is false).</summary>
    public Tensor QContinueLogits { get; }

    /// <summary>[B] float32 bootstrapped target for <see cref="QContinueLogits"/>; training with <c>NoActContinue = false</c> only.</summary>
    public Tensor? TargetQContinue { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        Logits.Dispose();
        QHaltLogits.Dispose();
        QContinueLogits.Dispose();
        TargetQContinue?.Dispose();
    }
}
