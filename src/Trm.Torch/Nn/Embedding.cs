namespace Trm.Torch.Nn;

/// <summary>A lookup table of <c>num</c> vectors of size <c>dim</c>, initialised N(0, 1) as in PyTorch.</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>Creates the table.</summary>
    public Embedding(long numEmbeddings, long embeddingDim, Generator? generator = null)
    {
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        Weight = RegisterParameter("weight", Tensors.Randn([numEmbeddings, embeddingDim], generator));
    }

    /// <summary>Number of rows.</summary>
    public long NumEmbeddings { get; }

    /// <summary>Size of each row.</summary>
    public long EmbeddingDim { get; }

    /// <summary>The [num, dim] table.</summary>
    public Tensor Weight { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Embedding(input, Weight);
}
