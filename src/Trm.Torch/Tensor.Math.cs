using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

public sealed unsafe partial class Tensor
{
    // Op codes of trm_unary / trm_binary / trm_binary_scalar / trm_reduce (native/src/math.cpp).
    private Tensor Unary(int op, string name) => New(trm_unary(Handle, op), name);
    internal Tensor Binary(Tensor other, int op, string name) => New(trm_binary(Handle, other.Handle, op), name);
    internal Tensor BinaryScalar(double value, int op, string name) => New(trm_binary_scalar(Handle, value, op), name);

    /// <summary>−x.</summary>
    public Tensor Neg() => Unary(0, "neg");
    /// <summary>eˣ.</summary>
    public Tensor Exp() => Unary(1, "exp");
    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Unary(2, "log");
    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Unary(3, "sqrt");
    /// <summary>1/√x.</summary>
    public Tensor Rsqrt() => Unary(4, "rsqrt");
    /// <summary>|x|.</summary>
    public Tensor Abs() => Unary(5, "abs");
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(6, "tanh");
    /// <summary>Logistic sigmoid.</summary>
    public Tensor Sigmoid() => Unary(7, "sigmoid");
    /// <summary>x·sigmoid(x).</summary>
    public Tensor Silu() => Unary(8, "silu");
    /// <summary>GELU (exact erf form); <paramref name="tanhApproximation"/> selects the tanh form.</summary>
    public Tensor Gelu(bool tanhApproximation = false) => Unary(tanhApproximation ? 23 : 9, "gelu");
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Unary(10, "relu");
    /// <summary>x².</summary>
    public Tensor Square() => Unary(11, "square");
    /// <summary>Sign (−1, 0, 1).</summary>
    public Tensor Sign() => Unary(12, "sign");
    /// <summary>Elementwise logical not (bool result).</summary>
    public Tensor LogicalNot() => Unary(13, "logical_not");
    /// <summary>Round down.</summary>
    public Tensor Floor() => Unary(14, "floor");
    /// <summary>Round up.</summary>
    public Tensor Ceil() => Unary(15, "ceil");
    /// <summary>Round half to even.</summary>
    public Tensor Round() => Unary(16, "round");
    /// <summary>Sine.</summary>
    public Tensor Sin() => Unary(17, "sin");
    /// <summary>Cosine.</summary>
    public Tensor Cos() => Unary(18, "cos");
    /// <summary>log(1 + x).</summary>
    public Tensor Log1p() => Unary(19, "log1p");
    /// <summary>eˣ − 1.</summary>
    public Tensor Expm1() => Unary(20, "expm1");
    /// <summary>1/x.</summary>
    public Tensor Reciprocal() => Unary(21, "reciprocal");
    /// <summary>True where NaN.</summary>
    public Tensor IsNan() => Unary(22, "isnan");
    /// <summary>True where ±∞.</summary>
    public Tensor IsInf() => Unary(25, "isinf");
    /// <summary>log(1 + eˣ).</summary>
    public Tensor Softplus() => Unary(24, "softplus");
    /// <summary>Inverse error function.</summary>
    public Tensor Erfinv() => Unary(27, "erfinv");

    /// <summary>xᵖ.</summary>
    public Tensor Pow(double exponent) => BinaryScalar(exponent, 4, "pow");
    /// <summary>x raised elementwise to <paramref name="exponent"/>.</summary>
    public Tensor Pow(Tensor exponent) => Binary(exponent, 4, "pow");

    /// <summary>this + alpha·other.</summary>
    public Tensor Add(Tensor other, double alpha = 1) => New(trm_add_alpha(Handle, other.Handle, alpha), "add");

    /// <summary>Elementwise maximum.</summary>
    public Tensor Maximum(Tensor other) => Binary(other, 13, "maximum");
    /// <summary>Elementwise minimum.</summary>
    public Tensor Minimum(Tensor other) => Binary(other, 14, "minimum");
    /// <summary>Python-style remainder.</summary>
    public Tensor Remainder(double divisor) => BinaryScalar(divisor, 15, "remainder");
    /// <summary>Division rounded down.</summary>
    public Tensor FloorDivide(double divisor) => BinaryScalar(divisor, 16, "floor_divide");

    /// <summary>Clamps into [min, max]; a null bound is open.</summary>
    public Tensor Clamp(double? min = null, double? max = null) =>
        New(trm_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0), "clamp");

    // comparisons (bool results)
    /// <summary>this == other.</summary>
    public Tensor Eq(Tensor other) => Binary(other, 5, "eq");
    /// <summary>this == value.</summary>
    public Tensor Eq(double value) => BinaryScalar(value, 5, "eq");
    /// <summary>this != other.</summary>
    public Tensor Ne(Tensor other) => Binary(other, 6, "ne");
    /// <summary>this != value.</summary>
    public Tensor Ne(double value) => BinaryScalar(value, 6, "ne");
    /// <summary>this &lt; other.</summary>
    public Tensor Lt(Tensor other) => Binary(other, 7, "lt");
    /// <summary>this &lt; value.</summary>
    public Tensor Lt(double value) => BinaryScalar(value, 7, "lt");
    /// <summary>this &lt;= other.</summary>
    public Tensor Le(Tensor other) => Binary(other, 8, "le");
    /// <summary>this &lt;= value.</summary>
    public Tensor Le(double value) => BinaryScalar(value, 8, "le");
    /// <summary>this &gt; other.</summary>
    public Tensor Gt(Tensor other) => Binary(other, 9, "gt");
    /// <summary>this &gt; value.</summary>
    public Tensor Gt(double value) => BinaryScalar(value, 9, "gt");
    /// <summary>this &gt;= other.</summary>
    public Tensor Ge(Tensor other) => Binary(other, 10, "ge");
    /// <summary>this &gt;= value.</summary>
    public Tensor Ge(double value) => BinaryScalar(value, 10, "ge");
    /// <summary>Elementwise logical and.</summary>
    public Tensor LogicalAnd(Tensor other) => Binary(other, 11, "logical_and");
    /// <summary>Elementwise logical or.</summary>
    public Tensor LogicalOr(Tensor other) => Binary(other, 12, "logical_or");
    /// <summary>Elementwise logical xor.</summary>
    public Tensor LogicalXor(Tensor other) => Binary(other, 17, "logical_xor");

    /// <summary>True when shapes and elements are identical.</summary>
    public bool Equal(Tensor other) => Check(trm_equal(Handle, other.Handle), "equal") != 0;

    /// <summary>|this − other| ≤ atol + rtol·|other| everywhere.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8) => Check(trm_allclose(Handle, other.Handle, rtol, atol), "allclose") != 0;

    // ---- reductions ----

    private Tensor Reduce(int op, long[]? dims, bool keepdim, string name)
    {
        int n = dims?.Length ?? 0;
        fixed (long* p = dims) return New(trm_reduce(Handle, op, p, n, keepdim ? 1 : 0), name);
    }

    /// <summary>Sum of all elements.</summary>
    public Tensor Sum() => Reduce(0, null, false, "sum");
    /// <summary>Sum over one dimension.</summary>
    public Tensor Sum(long dim, bool keepdim = false) => Reduce(0, [dim], keepdim, "sum");
    /// <summary>Sum over several dimensions.</summary>
    public Tensor Sum(long[] dims, bool keepdim = false) => Reduce(0, dims, keepdim, "sum");
    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Reduce(1, null, false, "mean");
    /// <summary>Mean over one dimension.</summary>
    public Tensor Mean(long dim, bool keepdim = false) => Reduce(1, [dim], keepdim, "mean");
    /// <summary>Mean over several dimensions.</summary>
    public Tensor Mean(long[] dims, bool keepdim = false) => Reduce(1, dims, keepdim, "mean");
    /// <summary>Largest element.</summary>
    public Tensor Max() => Reduce(2, null, false, "max");
    /// <summary>Largest values along a dimension (use <see cref="MaxWithIndices"/> for positions).</summary>
    public Tensor Max(long dim, bool keepdim = false) => Reduce(2, [dim], keepdim, "amax");
    /// <summary>Smallest element.</summary>
    public Tensor Min() => Reduce(3, null, false, "min");
    /// <summary>Smallest values along a dimension.</summary>
    public Tensor Min(long dim, bool keepdim = false) => Reduce(3, [dim], keepdim, "amin");
    /// <summary>Index of the largest element of the flattened tensor.</summary>
    public Tensor ArgMax() => Reduce(4, null, false, "argmax");
    /// <summary>Indices of the largest values along a dimension.</summary>
    public Tensor ArgMax(long dim, bool keepdim = false) => Reduce(4, [dim], keepdim, "argmax");
    /// <summary>Indices of the smallest values along a dimension.</summary>
    public Tensor ArgMin(long dim, bool keepdim = false) => Reduce(5, [dim], keepdim, "argmin");
    /// <summary>Product of all elements.</summary>
    public Tensor Prod() => Reduce(6, null, false, "prod");
    /// <summary>True when every element is non-zero.</summary>
    public Tensor All() => Reduce(7, null, false, "all");
    /// <summary>Per-slice all along a dimension.</summary>
    public Tensor All(long dim, bool keepdim = false) => Reduce(7, [dim], keepdim, "all");
    /// <summary>True when some element is non-zero.</summary>
    public Tensor Any() => Reduce(8, null, false, "any");
    /// <summary>Per-slice any along a dimension.</summary>
    public Tensor Any(long dim, bool keepdim = false) => Reduce(8, [dim], keepdim, "any");
    /// <summary>log Σ exp over a dimension.</summary>
    public Tensor LogSumExp(long dim, bool keepdim = false) => Reduce(9, [dim], keepdim, "logsumexp");

    /// <summary>Max values and their indices along a dimension.</summary>
    public (Tensor Values, Tensor Indices) MaxWithIndices(long dim, bool keepdim = false) => PairOp(0, dim, keepdim, "max");

    /// <summary>Min values and their indices along a dimension.</summary>
    public (Tensor Values, Tensor Indices) MinWithIndices(long dim, bool keepdim = false) => PairOp(1, dim, keepdim, "min");

    private (Tensor, Tensor) PairOp(int op, long dim, bool keepdim, string name)
    {
        IntPtr v, i;
        Check(trm_max_dim(Handle, op, dim, keepdim ? 1 : 0, &v, &i), name);
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Variance of all elements.</summary>
    public Tensor Var(bool unbiased = true)
    {
        return New(trm_var(Handle, null, 0, unbiased ? 1 : 0, 0), "var");
    }

    /// <summary>Variance along a dimension.</summary>
    public Tensor Var(long dim, bool unbiased = true, bool keepdim = false)
    {
        long d = dim;
        return New(trm_var(Handle, &d, 1, unbiased ? 1 : 0, keepdim ? 1 : 0), "var");
    }

    /// <summary>p-norm of all elements (2 by default).</summary>
    public Tensor Norm(double p = 2) => New(trm_norm(Handle, p, null, 0, 0), "norm");

    /// <summary>p-norm along a dimension.</summary>
    public Tensor Norm(long dim, double p = 2, bool keepdim = false)
    {
        long d = dim;
        return New(trm_norm(Handle, p, &d, 1, keepdim ? 1 : 0), "norm");
    }

    // ---- linear algebra, normalisation, sorting ----

    /// <summary>Matrix product with broadcasting (torch.matmul).</summary>
    public Tensor MatMul(Tensor other) => New(trm_matmul(Handle, other.Handle), "matmul");
    /// <summary>Batched matrix product of [B, n, m] and [B, m, p].</summary>
    public Tensor Bmm(Tensor other) => New(trm_bmm(Handle, other.Handle), "bmm");
    /// <summary>Outer product of two vectors.</summary>
    public Tensor Outer(Tensor other) => New(trm_outer(Handle, other.Handle), "outer");
    /// <summary>Softmax along a dimension.</summary>
    public Tensor Softmax(long dim) => New(trm_softmax(Handle, dim, 0), "softmax");
    /// <summary>Log-softmax along a dimension.</summary>
    public Tensor LogSoftmax(long dim) => New(trm_softmax(Handle, dim, 1), "log_softmax");
    /// <summary>Cumulative sum along a dimension.</summary>
    public Tensor CumSum(long dim) => New(trm_cumsum(Handle, dim), "cumsum");

    /// <summary>The k largest (or smallest) values along a dimension and their indices.</summary>
    public (Tensor Values, Tensor Indices) TopK(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        IntPtr v, i;
        Check(trm_topk(Handle, k, dim, largest ? 1 : 0, sorted ? 1 : 0, &v, &i), "topk");
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Sorted values along a dimension and the permutation indices.</summary>
    public (Tensor Values, Tensor Indices) Sort(long dim = -1, bool descending = false)
    {
        IntPtr v, i;
        Check(trm_sort(Handle, dim, descending ? 1 : 0, &v, &i), "sort");
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Draws <paramref name="numSamples"/> indices per row from these (unnormalised) probabilities.</summary>
    public Tensor Multinomial(long numSamples, bool replacement = false, Generator? generator = null)
    {
        var r = New(trm_multinomial(Handle, numSamples, replacement ? 1 : 0, generator?.RawHandle ?? IntPtr.Zero), "multinomial");
        GC.KeepAlive(generator);
        return r;
    }

    // ---- in place ----

    private Tensor InplaceScalar(int op, double value, string name)
    {
        Check(trm_inplace_scalar(Handle, op, value), name);
        return this;
    }

    private Tensor InplaceTensor(Tensor other, int op, double alpha, string name)
    {
        Check(trm_inplace_tensor(Handle, other.Handle, op, alpha), name);
        return this;
    }

    /// <summary>this += alpha·other, in place.</summary>
    public Tensor Add_(Tensor other, double alpha = 1) => InplaceTensor(other, 0, alpha, "add_");
    /// <summary>this += value, in place.</summary>
    public Tensor Add_(double value) => InplaceScalar(0, value, "add_");
    /// <summary>this −= alpha·other, in place.</summary>
    public Tensor Sub_(Tensor other, double alpha = 1) => InplaceTensor(other, 5, alpha, "sub_");
    /// <summary>this *= value, in place.</summary>
    public Tensor Mul_(double value) => InplaceScalar(1, value, "mul_");
    /// <summary>this *= other, in place.</summary>
    public Tensor Mul_(Tensor other) => InplaceTensor(other, 1, 0, "mul_");
    /// <summary>this /= value, in place.</summary>
    public Tensor Div_(double value) => InplaceScalar(3, value, "div_");
    /// <summary>this /= other, in place.</summary>
    public Tensor Div_(Tensor other) => InplaceTensor(other, 4, 0, "div_");
    /// <summary>this = this + weight·(end − this), in place.</summary>
    public Tensor Lerp_(Tensor end, double weight) => InplaceTensor(end, 3, weight, "lerp_");
    /// <summary>Clamps in place.</summary>
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        if (min is { } lo) InplaceScalar(5, lo, "clamp_min_");
        if (max is { } hi) InplaceScalar(6, hi, "clamp_max_");
        return this;
    }
    /// <summary>Sets every element to zero.</summary>
    public Tensor Zero_()
    {
        Check(trm_zero_(Handle), "zero_");
        return this;
    }
    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor Fill_(double value) => InplaceScalar(2, value, "fill_");
    /// <summary>Copies <paramref name="source"/> (broadcast, converted) into this tensor.</summary>
    public Tensor CopyFrom_(Tensor source) => InplaceTensor(source, 2, 0, "copy_");
    /// <summary>Writes <paramref name="value"/> where <paramref name="mask"/> is true, in place.</summary>
    public Tensor MaskedFill_(Tensor mask, double value)
    {
        Check(trm_masked_fill_(Handle, mask.Handle, value), "masked_fill_");
        return this;
    }
    /// <summary>Fills with U(from, to) samples.</summary>
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null) => Random_(0, from, to, generator, "uniform_");
    /// <summary>Fills with N(mean, std²) samples.</summary>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null) => Random_(1, mean, std, generator, "normal_");

    private Tensor Random_(int kind, double a, double b, Generator? g, string name)
    {
        Check(trm_random_(Handle, kind, a, b, g?.RawHandle ?? IntPtr.Zero), name);
        GC.KeepAlive(g);
        return this;
    }
}
