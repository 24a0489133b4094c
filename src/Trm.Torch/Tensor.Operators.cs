namespace Trm.Torch;

public sealed partial class Tensor
{
    /// <summary>Elementwise sum (broadcasting).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Binary(b, 0, "add");
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double b) => a.BinaryScalar(b, 0, "add");
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double a, Tensor b) => b.BinaryScalar(a, 0, "add");
    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Binary(b, 1, "sub");
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double b) => a.BinaryScalar(b, 1, "sub");
    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(double a, Tensor b) => b.BinaryScalar(a, 20, "rsub");
    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Binary(b, 2, "mul");
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => a.BinaryScalar(b, 2, "mul");
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => b.BinaryScalar(a, 2, "mul");
    /// <summary>Elementwise true division.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Binary(b, 3, "div");
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => a.BinaryScalar(b, 3, "div");
    /// <summary>Scalar divided by tensor.</summary>
    public static Tensor operator /(double a, Tensor b) => b.BinaryScalar(a, 21, "rdiv");
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
}
