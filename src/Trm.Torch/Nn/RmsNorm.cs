namespace Trm.Torch.Nn;

/// <summary>Root-mean-square normalisation over the last dimension with a learned scale (initialised to ones).</summary>
public sealed class RmsNorm : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public RmsNorm(long dim, double eps = 1e-6)
    {
        Eps = eps;
        Weight = RegisterParameter("weight", Tensors.Ones([dim]));
    }

    /// <summary>Added to the mean square before the square root.</summary>
    public double Eps { get; }

    /// <summary>The [dim] scale.</summary>
    public Tensor Weight { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.RmsNorm(input, Eps, Weight);
}
