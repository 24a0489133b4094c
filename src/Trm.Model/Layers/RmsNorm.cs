using Trm.Torch;

namespace Trm.Model.Layers;

/// <summary>Weightless RMS normalisation over the last axis, computed in float32 (the reference's <c>rms_norm</c>).</summary>
internal static class RmsNorm
{
    /// <summary>x / √(mean(x²) + eps) along the last axis, returned in x's dtype.</summary>
    public static Tensor Apply(Tensor x, double eps)
    {
        var input = Casting.To(x, DType.Float32);
        var variance = input.Square().Mean([-1], keepdim: true);
        var normed = input * (variance + eps).Rsqrt();
        return Casting.To(normed, x.DType);
    }
}
