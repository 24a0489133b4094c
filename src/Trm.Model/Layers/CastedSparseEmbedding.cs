using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Model.Layers;

/// <summary>
/// The puzzle-embedding table trained sparsely (the reference's <c>CastedSparseEmbedding</c>). The table
/// <see cref="Weights"/> is a persistent buffer (state key <c>weights</c>), not a parameter: in training the rows of
/// the batch are copied into the leaf tensor <see cref="LocalWeights"/>, which collects the gradient, and their ids
/// into <see cref="LocalIds"/>; a sign-SGD step then writes the update back into <see cref="Weights"/>.
/// In evaluation the rows are read from the table directly, without gradient.
/// </summary>
public sealed class CastedSparseEmbedding : Module
{
    private readonly DType _castTo;

    /// <summary>Creates a zero-initialised table (the reference initialises puzzle embeddings to zero).</summary>
    /// <param name="numEmbeddings">Rows (puzzle identifiers).</param>
    /// <param name="embeddingDim">Width of one embedding.</param>
    /// <param name="batchSize">Rows of the local buffers, or null to size them from the first training batch.</param>
    /// <param name="castTo">Dtype of the returned embeddings.</param>
    public CastedSparseEmbedding(long numEmbeddings, long embeddingDim, int? batchSize, DType castTo)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numEmbeddings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        _castTo = castTo;
        EmbeddingDim = embeddingDim;
        Weights = RegisterBuffer("weights", Tensors.Zeros([numEmbeddings, embeddingDim]));
        if (batchSize is { } rows)
        {
            AllocateLocal(rows, Weights.Device);
        }
    }

    /// <summary>Width of one embedding.</summary>
    public long EmbeddingDim { get; }

    /// <summary>The table [numEmbeddings, embeddingDim], float32, no gradient.</summary>
    public Tensor Weights { get; }

    /// <summary>
    /// [B, embeddingDim] leaf with <c>RequiresGrad</c>: the rows gathered by the last training forward; its
    /// <c>Grad</c> is the gradient of the puzzle embeddings of the batch. Null before the first training forward
    /// when no batch size was configured. Replaced (not resized) when a batch of another size arrives.
    /// </summary>
    public Tensor? LocalWeights { get; private set; }

    /// <summary>[B] int32: the puzzle ids of <see cref="LocalWeights"/>' rows.</summary>
    public Tensor? LocalIds { get; private set; }

    /// <summary>Embeddings of <paramref name="ids"/> ([B] or [B, 1]) as [B, embeddingDim] in the forward dtype.</summary>
    public Tensor Forward(Tensor ids)
    {
        if (ids.Dim > 1)
        {
            ids = ids.Squeeze(-1);
        }

        var index = ids.DType == DType.Int64 ? ids : ids.To(DType.Int64);
        if (!IsTraining)
        {
            return Weights.IndexSelect(0, index).To(_castTo);
        }

        long rows = ids.Size(0);
        if (LocalWeights is null || LocalWeights.Size(0) != rows || LocalWeights.Device != Weights.Device)
        {
            AllocateLocal(rows, Weights.Device);
        }

        using (Engine.NoGrad())
        {
            LocalWeights!.CopyFrom_(Weights.IndexSelect(0, index));
            LocalIds!.CopyFrom_(ids.DType == DType.Int32 ? ids : ids.To(DType.Int32));
        }

        // A new handle on the leaf (a view), so that dispose scopes never take the buffer itself.
        return _castTo == LocalWeights.DType ? LocalWeights.View(rows, EmbeddingDim) : LocalWeights.To(_castTo);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            LocalWeights?.Dispose();
            LocalIds?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void AllocateLocal(long rows, Device device)
    {
        LocalWeights?.Dispose();
        LocalIds?.Dispose();
        var local = Tensors.Zeros([rows, EmbeddingDim], DType.Float32, device, requiresGrad: true);
        local.DetachFromDisposeScope();
        var localIds = Tensors.Zeros([rows], DType.Int32, device);
        localIds.DetachFromDisposeScope();
        LocalWeights = local;
        LocalIds = localIds;
    }
}
