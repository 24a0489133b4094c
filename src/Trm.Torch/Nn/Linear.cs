namespace Trm.Torch.Nn;

/// <summary>y = x·Wᵀ + b, W: [out, in], initialised as PyTorch does (U(−1/√in, 1/√in) for weight and bias).</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true, Generator? generator = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1.0 / Math.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Tensors.Empty([outFeatures, inFeatures]));
        using (Engine.NoGrad()) Weight.Uniform_(-bound, bound, generator);
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensors.Empty([outFeatures]));
            using (Engine.NoGrad()) Bias.Uniform_(-bound, bound, generator);
        }
    }

    /// <summary>Input size.</summary>
    public long InFeatures { get; }

    /// <summary>Output size.</summary>
    public long OutFeatures { get; }

    /// <summary>The [out, in] weight.</summary>
    public Tensor Weight { get; }

    /// <summary>The [out] bias, or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Linear(input, Weight, Bias);
}
