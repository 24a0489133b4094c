using Trm.Torch;
using Trm.Torch.Nn;

namespace Trm.Model.Layers;

/// <summary>
/// A linear layer whose float32 weights are cast to the input's dtype at use (the reference's <c>CastedLinear</c>):
/// truncated LeCun-normal weight (std 1/√in), zero bias. State keys <c>weight</c> [out, in] and <c>bias</c> [out].
/// </summary>
internal sealed class CastedLinear : Module
{
    public CastedLinear(long inFeatures, long outFeatures, bool bias, Generator? generator)
    {
        Weight = Tensors.Empty([outFeatures, inFeatures]);
        TruncatedNormal.Init_(Weight, 1.0 / Math.Sqrt(inFeatures), generator);
        Weight.RequiresGrad = true;
        RegisterParameter("weight", Weight);
        if (bias)
        {
            Bias = Tensors.Zeros([outFeatures], requiresGrad: true);
            RegisterParameter("bias", Bias);
        }
    }

    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public Tensor Forward(Tensor input) =>
        F.Linear(input, Casting.To(Weight, input.DType), Bias is null ? null : Casting.To(Bias, input.DType));
}
