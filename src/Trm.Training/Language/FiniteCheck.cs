using Trm.Torch;

namespace Trm.Training.Language;

/// <summary>Checks tensors for NaN and infinities (x − x is NaN exactly where x is not finite).</summary>
internal static class FiniteCheck
{
    /// <summary>Whether every element of <paramref name="tensor"/> is finite.</summary>
    public static bool AllFinite(Tensor tensor)
    {
        using var scope = Engine.NewDisposeScope();
        using var noGrad = Engine.NoGrad();
        return !(tensor - tensor).IsNan().Any().Item<bool>();
    }

    /// <summary>The name of the first tensor with a non-finite element, or null.</summary>
    public static string? FirstNonFinite(IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var (name, tensor) in tensors)
        {
            if (tensor.DType.IsFloatingPoint() && !AllFinite(tensor)) return name;
        }
        return null;
    }
}
