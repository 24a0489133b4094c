using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Model.Layers;

/// <summary>
/// An embedding table kept in float32 and cast to the forward dtype at lookup (the reference's <c>CastedEmbedding</c>);
/// truncated-normal init with the given std. State key <c>embedding_weight</c> [num, dim].
/// </summary>
internal sealed class CastedEmbedding : Module
{
    private readonly DType _castTo;

    public CastedEmbedding(long numEmbeddings, long embeddingDim, double initStd, DType castTo, Generator? generator)
    {
        _castTo = castTo;
        EmbeddingWeight = Tensors.Empty([numEmbeddings, embeddingDim]);
        TruncatedNormal.Init_(EmbeddingWeight, initStd, generator);
        EmbeddingWeight.RequiresGrad = true;
        RegisterParameter("embedding_weight", EmbeddingWeight);
    }

    public Tensor EmbeddingWeight { get; }

    /// <summary>Rows of the table for integer <paramref name="ids"/> (any shape), in the forward dtype.</summary>
    public Tensor Forward(Tensor ids) =>
        F.Embedding(ids.DType == DType.Int64 ? ids : ids.To(DType.Int64), Casting.To(EmbeddingWeight, _castTo));
}
