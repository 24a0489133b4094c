using Trm.Torch;

namespace Trm.Model;

/// <summary>
/// The ACT state between steps (the reference's <c>TinyRecursiveReasoningModel_ACTV1Carry</c>): the latent states,
/// the steps taken by each example, which examples halted at the last step (they load a new example at the next
/// step) and the example each row is working on. Owns its tensors; they belong to no dispose scope.
/// </summary>
public sealed class TrmCarry : IDisposable
{
    /// <summary>Assembles a carry (normally made by <see cref="TrmModel.InitialCarry"/> and <see cref="TrmModel.Forward"/>).</summary>
    /// <param name="inner">Latent states.</param>
    /// <param name="steps">[B] int32 steps taken.</param>
    /// <param name="halted">[B] bool.</param>
    /// <param name="currentData">The example of each row.</param>
    public TrmCarry(TrmInnerCarry inner, Tensor steps, Tensor halted, TrmBatch currentData)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Steps = steps ?? throw new ArgumentNullException(nameof(steps));
        Halted = halted ?? throw new ArgumentNullException(nameof(halted));
        CurrentData = currentData ?? throw new ArgumentNullException(nameof(currentData));
    }

    /// <summary>Latent states y (<c>ZH</c>) and z (<c>ZL</c>).</summary>
    public TrmInnerCarry Inner { get; }

    /// <summary>[B] int32: ACT steps taken on the current example.</summary>
    public Tensor Steps { get; }

    /// <summary>[B] bool: the example finished at the last step (its row is replaced at the next step).</summary>
    public Tensor Halted { get; }

    /// <summary>The example each row works on (labels included, for the loss).</summary>
    public TrmBatch CurrentData { get; }

    internal TrmCarry KeepAlive()
    {
        Inner.KeepAlive();
        Steps.DetachFromDisposeScope();
        Halted.DetachFromDisposeScope();
        CurrentData.KeepAlive();
        return this;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Inner.Dispose();
        Steps.Dispose();
        Halted.Dispose();
        CurrentData.Dispose();
    }
}
