using Trm.Torch.Native;

namespace Trm.Torch;

public sealed partial class Tensor
{
    /// <summary>Elementwise sum (broadcasting).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Binary(b, BinaryOp.Add);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double b) => a.BinaryScalar(b, ScalarOp.Add);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double a, Tensor b) => b.BinaryScalar(a, ScalarOp.Add);
    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Binary(b, BinaryOp.Sub);
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double b) => a.BinaryScalar(b, ScalarOp.Sub);
    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(double a, Tensor b) => b.BinaryScalar(a, ScalarOp.ReverseSub);
    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Binary(b, BinaryOp.Mul);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => a.BinaryScalar(b, ScalarOp.Mul);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => b.BinaryScalar(a, ScalarOp.Mul);
    /// <summary>Elementwise true division.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Binary(b, BinaryOp.Div);
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => a.BinaryScalar(b, ScalarOp.Div);
    /// <summary>Scalar divided by tensor.</summary>
    public static Tensor operator /(double a, Tensor b) => b.BinaryScalar(a, ScalarOp.ReverseDiv);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
}
