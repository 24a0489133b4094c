using Trm.Torch;

namespace Trm.Model;

/// <summary>
/// The two latent states carried between ACT steps: <see cref="ZH"/> (the paper's answer embedding y) and
/// <see cref="ZL"/> (the latent reasoning state z), each [B, TotalSeqLen, HiddenSize] in the forward dtype, without
/// gradient. Owns its tensors.
/// </summary>
public sealed class TrmInnerCarry : IDisposable
{
    /// <summary>Wraps the two states.</summary>
    /// <param name="zH">y, [B, TotalSeqLen, HiddenSize].</param>
    /// <param name="zL">z, [B, TotalSeqLen, HiddenSize].</param>
    public TrmInnerCarry(Tensor zH, Tensor zL)
    {
        ZH = zH ?? throw new ArgumentNullException(nameof(zH));
        ZL = zL ?? throw new ArgumentNullException(nameof(zL));
    }

    /// <summary>The answer state y (reference <c>z_H</c>).</summary>
    public Tensor ZH { get; }

    /// <summary>The latent reasoning state z (reference <c>z_L</c>).</summary>
    public Tensor ZL { get; }

    internal TrmInnerCarry KeepAlive()
    {
        ZH.DetachFromDisposeScope();
        ZL.DetachFromDisposeScope();
        return this;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ZH.Dispose();
        ZL.Dispose();
    }
}
