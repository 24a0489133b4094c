using Trm.Torch;

namespace Trm.Training.Optim;

/// <summary>
/// The reference's optimizer for puzzle embeddings (<c>CastedSparseEmbeddingSignSGD</c>): only the rows used by the
/// batch move. The gradients of the batch's gathered rows are summed per distinct puzzle id, and each touched row
/// takes a sign-SGD step with decoupled weight decay:
/// <code>w[id] ← w[id] · (1 − lr·wd) − lr · sign(Σ grad rows of id)</code>
/// (Adam behaves like sign-SGD when gradients are this sparse.) Not thread-safe.
/// </summary>
public static class SparseEmbeddingSignSgd
{
    /// <summary>Applies one update in place to <paramref name="weights"/>.</summary>
    /// <param name="weights">The embedding table [N, D] (no autograd).</param>
    /// <param name="localGrad">Gradient of the batch's gathered rows [B, D].</param>
    /// <param name="localIds">Puzzle id of each gathered row [B] (int32 or int64).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="weightDecay">Decoupled weight decay.</param>
    public static void Step(Tensor weights, Tensor localGrad, Tensor localIds, double lr, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(localGrad);
        ArgumentNullException.ThrowIfNull(localIds);
        if (localGrad.Dim != 2 || localGrad.Size(1) != weights.Size(1) || localIds.NumEl != localGrad.Size(0))
        {
            throw new ArgumentException($"shapes do not match: weights [{string.Join(", ", weights.Shape)}], grad [{string.Join(", ", localGrad.Shape)}], ids [{string.Join(", ", localIds.Shape)}]");
        }

        using var noGrad = Engine.NoGrad();
        using var scope = Engine.NewDisposeScope();

        // Distinct ids (sorted, as torch.unique) and each row's position among them, computed on the host: B is small.
        var ids = localIds.To(Device.Cpu).To(DType.Int64).ToArray<long>();
        var unique = ids.Distinct().Order().ToArray();
        var inverse = ids.Select(id => (long)Array.BinarySearch(unique, id)).ToArray();
        var dim = weights.Size(1);
        var device = weights.Device;
        var uniqueIds = Tensors.FromArray(unique, unique.Length).To(device);
        var rowIndex = Tensors.FromArray(inverse, inverse.Length).To(device).Unsqueeze(-1).Expand(inverse.Length, dim);
        var summed = Tensors.Zeros([unique.Length, dim], localGrad.DType, device).ScatterAdd(0, rowIndex, localGrad);

        var rows = weights.IndexSelect(0, uniqueIds);
        var updated = rows * (1 - lr * weightDecay) - summed.Sign().To(rows.DType) * lr;
        weights.IndexPut_([uniqueIds], updated);
    }
}
