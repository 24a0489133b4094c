using System.Runtime.InteropServices;
using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

/// <summary>Tensor factories: zeros, ones, ranges, random tensors, copies from .NET memory, concatenation and selection (PyTorch's <c>torch.*</c> creation ops).</summary>
public static unsafe class Tensors
{
    private static Device Dev(Device? d) => d ?? Device.Cpu;

    private static Tensor Factory(FactoryKind kind, long[] shape, double value, DType dtype, Device? device, bool requiresGrad)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Device d = Dev(device);
        Tensor t;
        fixed (long* p = shape) t = Tensor.New(trm_tensor_new((int)kind, p, shape.Length, value, (int)dtype, (int)d.Type, d.Index), kind.Name());
        if (requiresGrad) t.RequiresGrad = true;
        return t;
    }

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Factory(FactoryKind.Zeros, shape, 0, dtype, device, requiresGrad);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Factory(FactoryKind.Ones, shape, 0, dtype, device, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Factory(FactoryKind.Full, shape, value, dtype, device, requiresGrad);

    /// <summary>An uninitialised tensor.</summary>
    public static Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) =>
        Factory(FactoryKind.Empty, shape, 0, dtype, device, requiresGrad);

    /// <summary>A 0-dimensional tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, Device? device = null) => Full([], value, dtype, device);

    private static Tensor Like(Tensor like, LikeKind kind, double value) => Tensor.New(trm_tensor_like(like.Handle, (int)kind, value), kind.Name());

    /// <summary>Zeros shaped, typed and placed like <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Like(like, LikeKind.ZerosLike, 0);

    /// <summary>Ones shaped, typed and placed like <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Like(like, LikeKind.OnesLike, 0);

    /// <summary>A constant shaped, typed and placed like <paramref name="like"/>.</summary>
    public static Tensor FullLike(Tensor like, double value) => Like(like, LikeKind.FullLike, value);

    /// <summary>N(0, 1) samples shaped like <paramref name="like"/> (global generator).</summary>
    public static Tensor RandnLike(Tensor like) => Like(like, LikeKind.RandnLike, 0);

    /// <summary>Values start, start+step, … below end.</summary>
    public static Tensor Arange(long start, long end, long step = 1, DType dtype = DType.Int64, Device? device = null)
    {
        Device d = Dev(device);
        return Tensor.New(trm_tensor_arange(start, end, step, (int)dtype, (int)d.Type, d.Index), "arange");
    }

    /// <summary>Values 0 … end−1.</summary>
    public static Tensor Arange(long end, DType dtype = DType.Int64, Device? device = null) => Arange(0, end, 1, dtype, device);

    private static Tensor Random(RandomKind kind, long[] shape, long low, long high, Generator? g, DType dtype, Device? device)
    {
        Device d = Dev(device);
        Tensor t;
        fixed (long* p = shape)
            t = Tensor.New(trm_tensor_random((int)kind, p, shape.Length, low, high, g?.RawHandle ?? IntPtr.Zero, (int)dtype, (int)d.Type, d.Index), kind.Name());
        GC.KeepAlive(g);
        return t;
    }

    /// <summary>Standard normal samples.</summary>
    public static Tensor Randn(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null) =>
        Random(RandomKind.Randn, shape, 0, 0, generator, dtype, device);

    /// <summary>U[0, 1) samples.</summary>
    public static Tensor Rand(long[] shape, Generator? generator = null, DType dtype = DType.Float32, Device? device = null) =>
        Random(RandomKind.Rand, shape, 0, 0, generator, dtype, device);

    /// <summary>Integers uniform in [low, high).</summary>
    public static Tensor RandInt(long low, long high, long[] shape, Generator? generator = null, DType dtype = DType.Int64, Device? device = null) =>
        Random(RandomKind.RandInt, shape, low, high, generator, dtype, device);

    /// <summary>
    /// Copies <paramref name="data"/> (row-major) into a new tensor of <paramref name="shape"/> (1-D when omitted) in one copy.
    /// The dtype follows <typeparamref name="T"/> (float, double, long, int, byte, bool, Half).
    /// </summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, long[]? shape = null, Device? device = null) where T : unmanaged
    {
        DType dtype = DTypeExtensions.Of<T>();
        return FromBytes(MemoryMarshal.AsBytes(data), dtype, shape ?? [data.Length], device);
    }

    /// <summary>Reinterprets raw little-endian <paramref name="bytes"/> as a tensor of <paramref name="dtype"/> and <paramref name="shape"/> (one copy).</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, long[] shape, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long n = 1;
        foreach (long s in shape)
        {
            if (s < 0) throw new ArgumentException($"shape [{string.Join(", ", shape)}] has a negative size", nameof(shape));
            n *= s;
        }
        if (n * dtype.ElementSize() != bytes.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] needs {n} {dtype} elements but {bytes.Length / dtype.ElementSize()} were given", nameof(shape));
        Device d = Dev(device);
        fixed (byte* p = bytes)
        fixed (long* sp = shape)
            return Tensor.New(trm_tensor_from_data(p, sp, shape.Length, (int)dtype, (int)d.Type, d.Index), "from_data");
    }

    /// <summary>A float32 tensor from an array (1-D when no shape is given).</summary>
    public static Tensor FromArray(float[] data, params long[] shape) => FromSpan<float>(data, shape.Length == 0 ? null : shape);
    /// <summary>A float64 tensor from an array.</summary>
    public static Tensor FromArray(double[] data, params long[] shape) => FromSpan<double>(data, shape.Length == 0 ? null : shape);
    /// <summary>An int64 tensor from an array.</summary>
    public static Tensor FromArray(long[] data, params long[] shape) => FromSpan<long>(data, shape.Length == 0 ? null : shape);
    /// <summary>An int32 tensor from an array.</summary>
    public static Tensor FromArray(int[] data, params long[] shape) => FromSpan<int>(data, shape.Length == 0 ? null : shape);
    /// <summary>A uint8 tensor from an array.</summary>
    public static Tensor FromArray(byte[] data, params long[] shape) => FromSpan<byte>(data, shape.Length == 0 ? null : shape);
    /// <summary>A bool tensor from an array.</summary>
    public static Tensor FromArray(bool[] data, params long[] shape) => FromSpan<bool>(data, shape.Length == 0 ? null : shape);
    /// <summary>A float16 tensor from an array.</summary>
    public static Tensor FromArray(Half[] data, params long[] shape) => FromSpan<Half>(data, shape.Length == 0 ? null : shape);

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => ListOp(tensors, dim, &trm_cat, "cat");

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => ListOp(tensors, dim, &trm_stack, "stack");

    private static Tensor ListOp(IReadOnlyList<Tensor> tensors, long dim, delegate*<IntPtr*, int, long, IntPtr> op, string name)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        IntPtr[] h = Native.Handles.Of(tensors);
        fixed (IntPtr* p = h)
        {
            var r = Tensor.New(op(p, h.Length, dim), name);
            GC.KeepAlive(tensors);
            return r;
        }
    }

    /// <summary>Elementwise <paramref name="a"/> where <paramref name="condition"/> else <paramref name="b"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => Tensor.New(trm_where(condition.Handle, a.Handle, b.Handle), "where");

    /// <summary>Elementwise <paramref name="a"/> where <paramref name="condition"/> else the scalar <paramref name="b"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor a, double b) => Tensor.New(trm_where_scalar(condition.Handle, a.Handle, b), "where");
}
