using Trm.Torch;

namespace Trm.Model.Layers;

/// <summary>Dtype casts that leave a tensor as it is when it already has the dtype (as PyTorch's <c>.to</c>).</summary>
internal static class Casting
{
    /// <summary>
    /// <paramref name="tensor"/> itself when it has <paramref name="dtype"/>, else a cast copy. Use the result only as
    /// an operand: it may be a parameter that must outlive the caller's dispose scope.
    /// </summary>
    public static Tensor To(Tensor tensor, DType dtype) => tensor.DType == dtype ? tensor : tensor.To(dtype);
}
