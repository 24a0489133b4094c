using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

public sealed unsafe partial class Tensor
{
    // Op codes: the enums generated from native/include/trm_ops.def (Trm.Torch.Native.UnaryOp, ...).
    private Tensor Unary(UnaryOp op) => New(trm_unary(Handle, (int)op), op.Name());
    internal Tensor Binary(Tensor other, BinaryOp op) => New(trm_binary(Handle, other.Handle, (int)op), op.Name());
    internal Tensor BinaryScalar(double value, ScalarOp op) => New(trm_binary_scalar(Handle, value, (int)op), op.Name());

    /// <summary>−x.</summary>
    public Tensor Neg() => Unary(UnaryOp.Neg);
    /// <summary>eˣ.</summary>
    public Tensor Exp() => Unary(UnaryOp.Exp);
    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Unary(UnaryOp.Log);
    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Unary(UnaryOp.Sqrt);
    /// <summary>1/√x.</summary>
    public Tensor Rsqrt() => Unary(UnaryOp.Rsqrt);
    /// <summary>|x|.</summary>
    public Tensor Abs() => Unary(UnaryOp.Abs);
    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Unary(UnaryOp.Tanh);
    /// <summary>Logistic sigmoid.</summary>
    public Tensor Sigmoid() => Unary(UnaryOp.Sigmoid);
    /// <summary>x·sigmoid(x).</summary>
    public Tensor Silu() => Unary(UnaryOp.Silu);
    /// <summary>GELU (exact erf form); <paramref name="tanhApproximation"/> selects the tanh form.</summary>
    public Tensor Gelu(bool tanhApproximation = false) => Unary(tanhApproximation ? UnaryOp.GeluTanh : UnaryOp.Gelu);
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Unary(UnaryOp.Relu);
    /// <summary>x².</summary>
    public Tensor Square() => Unary(UnaryOp.Square);
    /// <summary>Sign (−1, 0, 1).</summary>
    public Tensor Sign() => Unary(UnaryOp.Sign);
    /// <summary>Elementwise logical not (bool result).</summary>
    public Tensor LogicalNot() => Unary(UnaryOp.LogicalNot);
    /// <summary>Round down.</summary>
    public Tensor Floor() => Unary(UnaryOp.Floor);
    /// <summary>Round up.</summary>
    public Tensor Ceil() => Unary(UnaryOp.Ceil);
    /// <summary>Round half to even.</summary>
    public Tensor Round() => Unary(UnaryOp.Round);
    /// <summary>Sine.</summary>
    public Tensor Sin() => Unary(UnaryOp.Sin);
    /// <summary>Cosine.</summary>
    public Tensor Cos() => Unary(UnaryOp.Cos);
    /// <summary>log(1 + x).</summary>
    public Tensor Log1p() => Unary(UnaryOp.Log1p);
    /// <summary>eˣ − 1.</summary>
    public Tensor Expm1() => Unary(UnaryOp.Expm1);
    /// <summary>1/x.</summary>
    public Tensor Reciprocal() => Unary(UnaryOp.Reciprocal);
    /// <summary>True where NaN.</summary>
    public Tensor IsNan() => Unary(UnaryOp.IsNan);
    /// <summary>True where ±∞.</summary>
    public Tensor IsInf() => Unary(UnaryOp.IsInf);
    /// <summary>log(1 + eˣ).</summary>
    public Tensor Softplus() => Unary(UnaryOp.Softplus);
    /// <summary>Inverse error function.</summary>
    public Tensor Erfinv() => Unary(UnaryOp.Erfinv);

    /// <summary>xᵖ.</summary>
    public Tensor Pow(double exponent) => BinaryScalar(exponent, ScalarOp.Pow);
    /// <summary>x raised elementwise to <paramref name="exponent"/>.</summary>
    public Tensor Pow(Tensor exponent) => Binary(exponent, BinaryOp.Pow);

    /// <summary>this + alpha·other.</summary>
    public Tensor Add(Tensor other, double alpha = 1) => New(trm_add_alpha(Handle, other.Handle, alpha), "add");

    /// <summary>Elementwise maximum.</summary>
    public Tensor Maximum(Tensor other) => Binary(other, BinaryOp.Maximum);
    /// <summary>Elementwise minimum.</summary>
    public Tensor Minimum(Tensor other) => Binary(other, BinaryOp.Minimum);
    /// <summary>Python-style remainder.</summary>
    public Tensor Remainder(double divisor) => BinaryScalar(divisor, ScalarOp.Remainder);
    /// <summary>Division rounded down.</summary>
    public Tensor FloorDivide(double divisor) => BinaryScalar(divisor, ScalarOp.FloorDivide);

    /// <summary>Clamps into [min, max]; a null bound is open.</summary>
    public Tensor Clamp(double? min = null, double? max = null) =>
        New(trm_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0), "clamp");

    // comparisons (bool results)
    /// <summary>this == other.</summary>
    public Tensor Eq(Tensor other) => Binary(other, BinaryOp.Eq);
    /// <summary>this == value.</summary>
    public Tensor Eq(double value) => BinaryScalar(value, ScalarOp.Eq);
    /// <summary>this != other.</summary>
    public Tensor Ne(Tensor other) => Binary(other, BinaryOp.Ne);
    /// <summary>this != value.</summary>
    public Tensor Ne(double value) => BinaryScalar(value, ScalarOp.Ne);
    /// <summary>this &lt; other.</summary>
    public Tensor Lt(Tensor other) => Binary(other, BinaryOp.Lt);
    /// <summary>this &lt; value.</summary>
    public Tensor Lt(double value) => BinaryScalar(value, ScalarOp.Lt);
    /// <summary>this &lt;= other.</summary>
    public Tensor Le(Tensor other) => Binary(other, BinaryOp.Le);
    /// <summary>this &lt;= value.</summary>
    public Tensor Le(double value) => BinaryScalar(value, ScalarOp.Le);
    /// <summary>this &gt; other.</summary>
    public Tensor Gt(Tensor other) => Binary(other, BinaryOp.Gt);
    /// <summary>this &gt; value.</summary>
    public Tensor Gt(double value) => BinaryScalar(value, ScalarOp.Gt);
    /// <summary>this &gt;= other.</summary>
    public Tensor Ge(Tensor other) => Binary(other, BinaryOp.Ge);
    /// <summary>this &gt;= value.</summary>
    public Tensor Ge(double value) => BinaryScalar(value, ScalarOp.Ge);
    /// <summary>Elementwise logical and.</summary>
    public Tensor LogicalAnd(Tensor other) => Binary(other, BinaryOp.LogicalAnd);
    /// <summary>Elementwise logical or.</summary>
    public Tensor LogicalOr(Tensor other) => Binary(other, BinaryOp.LogicalOr);
    /// <summary>Elementwise logical xor.</summary>
    public Tensor LogicalXor(Tensor other) => Binary(other, BinaryOp.LogicalXor);

    /// <summary>True when shapes and elements are identical.</summary>
    public bool Equal(Tensor other) => Check(trm_equal(Handle, other.Handle), "equal") != 0;

    /// <summary>|this − other| ≤ atol + rtol·|other| everywhere.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8) => Check(trm_allclose(Handle, other.Handle, rtol, atol), "allclose") != 0;

    // ---- reductions ----

    private Tensor Reduce(ReductionOp op, long[]? dims, bool keepdim)
    {
        int n = dims?.Length ?? 0;
        fixed (long* p = dims) return New(trm_reduce(Handle, (int)op, p, n, keepdim ? 1 : 0), op.Name());
    }

    /// <summary>Sum of all elements.</summary>
    public Tensor Sum() => Reduce(ReductionOp.Sum, null, false);
    /// <summary>Sum over one dimension.</summary>
    public Tensor Sum(long dim, bool keepdim = false) => Reduce(ReductionOp.Sum, [dim], keepdim);
    /// <summary>Sum over several dimensions.</summary>
    public Tensor Sum(long[] dims, bool keepdim = false) => Reduce(ReductionOp.Sum, dims, keepdim);
    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Reduce(ReductionOp.Mean, null, false);
    /// <summary>Mean over one dimension.</summary>
    public Tensor Mean(long dim, bool keepdim = false) => Reduce(ReductionOp.Mean, [dim], keepdim);
    /// <summary>Mean over several dimensions.</summary>
    public Tensor Mean(long[] dims, bool keepdim = false) => Reduce(ReductionOp.Mean, dims, keepdim);
    /// <summary>Largest element.</summary>
    public Tensor Max() => Reduce(ReductionOp.Max, null, false);
    /// <summary>Largest values along a dimension (use <see cref="MaxWithIndices"/> for positions).</summary>
    public Tensor Max(long dim, bool keepdim = false) => Reduce(ReductionOp.Max, [dim], keepdim);
    /// <summary>Smallest element.</summary>
    public Tensor Min() => Reduce(ReductionOp.Min, null, false);
    /// <summary>Smallest values along a dimension.</summary>
    public Tensor Min(long dim, bool keepdim = false) => Reduce(ReductionOp.Min, [dim], keepdim);
    /// <summary>Index of the largest element of the flattened tensor.</summary>
    public Tensor ArgMax() => Reduce(ReductionOp.ArgMax, null, false);
    /// <summary>Indices of the largest values along a dimension.</summary>
    public Tensor ArgMax(long dim, bool keepdim = false) => Reduce(ReductionOp.ArgMax, [dim], keepdim);
    /// <summary>Indices of the smallest values along a dimension.</summary>
    public Tensor ArgMin(long dim, bool keepdim = false) => Reduce(ReductionOp.ArgMin, [dim], keepdim);
    /// <summary>Product of all elements.</summary>
    public Tensor Prod() => Reduce(ReductionOp.Prod, null, false);
    /// <summary>True when every element is non-zero.</summary>
    public Tensor All() => Reduce(ReductionOp.All, null, false);
    /// <summary>Per-slice all along a dimension.</summary>
    public Tensor All(long dim, bool keepdim = false) => Reduce(ReductionOp.All, [dim], keepdim);
    /// <summary>True when some element is non-zero.</summary>
    public Tensor Any() => Reduce(ReductionOp.Any, null, false);
    /// <summary>Per-slice any along a dimension.</summary>
    public Tensor Any(long dim, bool keepdim = false) => Reduce(ReductionOp.Any, [dim], keepdim);
    /// <summary>log Σ exp over a dimension.</summary>
    public Tensor LogSumExp(long dim, bool keepdim = false) => Reduce(ReductionOp.LogSumExp, [dim], keepdim);

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

    private Tensor InplaceScalar(InplaceScalarOp op, double value)
    {
        Check(trm_inplace_scalar(Handle, (int)op, value), op.Name());
        return this;
    }

    private Tensor InplaceTensor(Tensor other, InplaceTensorOp op, double alpha)
    {
        Check(trm_inplace_tensor(Handle, other.Handle, (int)op, alpha), op.Name());
        return this;
    }

    /// <summary>this += alpha·other, in place.</summary>
    public Tensor Add_(Tensor other, double alpha = 1) => InplaceTensor(other, InplaceTensorOp.Add, alpha);
    /// <summary>this += value, in place.</summary>
    public Tensor Add_(double value) => InplaceScalar(InplaceScalarOp.Add, value);
    /// <summary>this −= alpha·other, in place.</summary>
    public Tensor Sub_(Tensor other, double alpha = 1) => InplaceTensor(other, InplaceTensorOp.Sub, alpha);
    /// <summary>this *= value, in place.</summary>
    public Tensor Mul_(double value) => InplaceScalar(InplaceScalarOp.Mul, value);
    /// <summary>this *= other, in place.</summary>
    public Tensor Mul_(Tensor other) => InplaceTensor(other, InplaceTensorOp.Mul, 0);
    /// <summary>this /= value, in place.</summary>
    public Tensor Div_(double value) => InplaceScalar(InplaceScalarOp.Div, value);
    /// <summary>this /= other, in place.</summary>
    public Tensor Div_(Tensor other) => InplaceTensor(other, InplaceTensorOp.Div, 0);
    /// <summary>this = this + weight·(end − this), in place.</summary>
    public Tensor Lerp_(Tensor end, double weight) => InplaceTensor(end, InplaceTensorOp.Lerp, weight);
    /// <summary>Clamps in place.</summary>
    public Tensor Clamp_(double? min = null, double? max = null)
    {
        if (min is { } lo) InplaceScalar(InplaceScalarOp.ClampMin, lo);
        if (max is { } hi) InplaceScalar(InplaceScalarOp.ClampMax, hi);
        return this;
    }
    /// <summary>Sets every element to zero.</summary>
    public Tensor Zero_()
    {
        Check(trm_zero_(Handle), "zero_");
        return this;
    }
    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor Fill_(double value) => InplaceScalar(InplaceScalarOp.Fill, value);
    /// <summary>Copies <paramref name="source"/> (broadcast, converted) into this tensor.</summary>
    public Tensor CopyFrom_(Tensor source) => InplaceTensor(source, InplaceTensorOp.Copy, 0);
    /// <summary>Writes <paramref name="value"/> where <paramref name="mask"/> is true, in place.</summary>
    public Tensor MaskedFill_(Tensor mask, double value)
    {
        Check(trm_masked_fill_(Handle, mask.Handle, value), "masked_fill_");
        return this;
    }
    /// <summary>Fills with U(from, to) samples.</summary>
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null) => Random_(FillKind.Uniform, from, to, generator);
    /// <summary>Fills with N(mean, std²) samples.</summary>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null) => Random_(FillKind.Normal, mean, std, generator);

    private Tensor Random_(FillKind kind, double a, double b, Generator? g)
    {
        Check(trm_random_(Handle, (int)kind, a, b, g?.RawHandle ?? IntPtr.Zero), kind.Name());
        GC.KeepAlive(g);
        return this;
    }
}
