namespace Trm.Training.Losses;

/// <summary>Token loss of the ACT loss head (the reference's <c>loss_type</c>).</summary>
public enum LossKind
{
    /// <summary>Stablemax cross-entropy in float64 (<c>stablemax_cross_entropy</c>, the reference's puzzle default).</summary>
    StablemaxCrossEntropy,

    /// <summary>Ordinary softmax cross-entropy in float32 (<c>softmax_cross_entropy</c>).</summary>
    SoftmaxCrossEntropy,
}
