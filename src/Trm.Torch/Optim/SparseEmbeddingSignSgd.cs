using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Optim;

/// <summary>
/// Sign-SGD for a sparsely used embedding table (the TRM reference's <c>CastedSparseEmbeddingSignSGD_Distributed</c> on one
/// rank, used for puzzle embeddings): only the rows a batch gathered move. The gradients of the batch's gathered rows are
/// summed per distinct id, and each touched row takes a sign step with decoupled weight decay:
/// <code>w[id] ← w[id] · (1 − lr·wd) − lr · sign(Σ gradient rows of id)</code>
/// (Adam behaves like sign-SGD when gradients are this sparse.) The table is not a parameter: the model gathers its rows into
/// a leaf tensor that collects the gradient, and passes that gradient and the ids to <see cref="Step"/>. One native call per
/// step; no state. Not thread-safe.
/// </summary>
public sealed class SparseEmbeddingSignSgd
{
    /// <summary>Creates the optimizer for one embedding table.</summary>
    /// <param name="weights">The embedding table [N, D], updated in place (no autograd).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public SparseEmbeddingSignSgd(Tensor weights, double lr, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Dim != 2) throw new ArgumentException($"the embedding table must be [N, D], got [{string.Join(", ", weights.Shape)}]", nameof(weights));
        Group = new ParamGroup([weights], lr, weightDecay, name: "sparse_embedding");
        Group.ApplyDefaults(lr, weightDecay, 0, 0);
    }

    /// <summary>The table with its learning rate and weight decay (a schedule sets <see cref="ParamGroup.Lr"/>).</summary>
    public ParamGroup Group { get; }

    /// <summary>The embedding table.</summary>
    public Tensor Weights => Group.Parameters[0];

    /// <summary>Applies one update with the group's current learning rate and weight decay.</summary>
    /// <param name="localGrad">Gradient of the batch's gathered rows [B, D].</param>
    /// <param name="localIds">Row id of each gathered row [B] (int32 or int64).</param>
    /// <exception cref="TorchException">The shapes do not fit the table (the message gives them).</exception>
    public void Step(Tensor localGrad, Tensor localIds)
    {
        ArgumentNullException.ThrowIfNull(localGrad);
        ArgumentNullException.ThrowIfNull(localIds);
        Check(trm_sparse_sign_sgd_step(Weights.Handle, localGrad.Handle, localIds.Handle, Group.Lr, Group.WeightDecay), "sparse_sign_sgd.step");
    }
}
