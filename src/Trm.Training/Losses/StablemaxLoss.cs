using Trm.Torch;
using static Trm.Torch.Engine;
using static Trm.Torch.Tensors;

namespace Trm.Training.Losses;

/// <summary>
/// Per-token cross-entropy losses of the reference (<c>models/losses.py</c>). Both return [B, S] losses, zero where
/// the label equals the ignore index.
/// </summary>
public static class StablemaxLoss
{
    /// <summary>
    /// Stablemax cross-entropy, computed in float64: with s(x) = x + 1 for x ≥ 0 and 1 / (1 − x) for x &lt; 0,
    /// p_i = s(x_i) / Σ_j s(x_j) and the loss is −log p_label.
    /// </summary>
    /// <param name="logits">[..., V] logits of any float dtype.</param>
    /// <param name="labels">[...] integer labels.</param>
    /// <param name="ignoreIndex">Label that marks positions without loss.</param>
    /// <returns>[...] float64 losses.</returns>
    public static Tensor StablemaxCrossEntropy(Tensor logits, Tensor labels, long ignoreIndex = -100)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var x = logits.To(DType.Float64);
        // The reference adds 1e-30 to 1 − x, which cannot change a float64 value ≥ 1.
        var s = Where(x.Lt(0), 1.0 / (1.0 - x), x + 1.0);
        var logProbs = (s / s.Sum(-1, keepdim: true)).Log();
        var loss = -PickValid(logProbs, labels, ignoreIndex);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Softmax cross-entropy in float32 (logits cast to float32), as the reference's <c>softmax_cross_entropy</c>.</summary>
    /// <param name="logits">[..., V] logits.</param>
    /// <param name="labels">[...] integer labels.</param>
    /// <param name="ignoreIndex">Label that marks positions without loss.</param>
    /// <returns>[...] float32 losses.</returns>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor labels, long ignoreIndex = -100)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        long vocab = logits.Size(-1);
        var flat = F.CrossEntropy(
            logits.To(DType.Float32).Reshape(-1, vocab), labels.To(DType.Int64).Reshape(-1), ignoreIndex, Reduction.None);
        return flat.View(labels.Shape).MoveToOuterDisposeScope();
    }

    /// <summary>log p of each position's label, 0 where the label is ignored.</summary>
    private static Tensor PickValid(Tensor logProbs, Tensor labels, long ignoreIndex)
    {
        var valid = labels.Ne(ignoreIndex);
        var safeLabels = Where(valid, labels, ZerosLike(labels)).To(DType.Int64);
        var picked = logProbs.Gather(-1, safeLabels.Unsqueeze(-1)).Squeeze(-1);
        return Where(valid, picked, ZerosLike(picked));
    }
}
