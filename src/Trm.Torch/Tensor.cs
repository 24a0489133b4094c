using System.Runtime.CompilerServices;
using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

/// <summary>
/// A libtorch tensor. Owns one native handle: dispose it (or create it inside a <see cref="DisposeScope"/>) to free
/// native memory deterministically; the finalizer is only a safety net. Not thread-safe for concurrent mutation.
/// </summary>
public sealed unsafe partial class Tensor : IDisposable
{
    private readonly TensorHandle _handle;
    private long[]? _shape;
    private int _dtype = -1;
    private Device? _device;

    internal Tensor(IntPtr handle)
    {
        _handle = new TensorHandle(handle);
        DisposeScope.Current?.Register(this);
    }

    /// <summary>Wraps a handle returned by a native call; throws the native error when it is null.</summary>
    internal static Tensor New(IntPtr handle, string op) => new(Check(handle, op));

    /// <summary>The native handle; throws <see cref="ObjectDisposedException"/> after <see cref="Dispose"/>.</summary>
    internal TensorHandle Handle
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_handle.IsClosed) ThrowDisposed();
            return _handle;
        }
    }

    /// <summary>The raw handle for calls that take arrays of handles (the caller keeps the tensor alive).</summary>
    internal IntPtr RawHandle => Handle.DangerousGetHandle();

    /// <summary>The dispose scope this tensor belongs to, if any.</summary>
    internal DisposeScope? Scope { get; set; }

    private static void ThrowDisposed() =>
        throw new ObjectDisposedException(nameof(Tensor), "The tensor was disposed (directly or by its dispose scope) and can no longer be used.");

    /// <summary>True once the native handle has been released.</summary>
    public bool IsDisposed => _handle.IsClosed;

    /// <summary>Releases the native tensor now (idempotent).</summary>
    public void Dispose()
    {
        if (_handle.IsClosed) return;
        Scope?.Forget(this);
        _handle.Dispose();
    }

    // ---- metadata ----

    /// <summary>The sizes of each dimension (a copy).</summary>
    public long[] Shape => (long[])ShapeCached.Clone();

    private long[] ShapeCached
    {
        get
        {
            if (_shape is not null && !_handle.IsClosed) return _shape;
            int n = Check(trm_tensor_dim(Handle), "dim");
            var s = new long[n];
            fixed (long* p = s) Check(trm_tensor_shape(Handle, p), "shape");
            _shape = s;
            return s;
        }
    }

    /// <summary>Number of dimensions.</summary>
    public int Dim => ShapeCached.Length;

    /// <summary>Number of elements.</summary>
    public long NumEl
    {
        get
        {
            long n = 1;
            foreach (long d in ShapeCached) n *= d;
            return n;
        }
    }

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public long Size(int dim)
    {
        long[] s = ShapeCached;
        int d = dim < 0 ? dim + s.Length : dim;
        if (d < 0 || d >= s.Length) throw new ArgumentOutOfRangeException(nameof(dim), dim, $"tensor has {s.Length} dimensions");
        return s[d];
    }

    /// <summary>The element type.</summary>
    public DType DType
    {
        get
        {
            if (_dtype < 0 || _handle.IsClosed) _dtype = Check(trm_tensor_dtype(Handle), "dtype");
            return (DType)_dtype;
        }
    }

    /// <summary>The device holding the data.</summary>
    public Device Device
    {
        get
        {
            if (_device is { } d && !_handle.IsClosed) return d;
            int index;
            int type = Check(trm_tensor_device(Handle, &index), "device");
            var dev = new Device((DeviceType)type, index);
            _device = dev;
            return dev;
        }
    }

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get => Check(trm_tensor_requires_grad(Handle), "requires_grad") != 0;
        set => Check(trm_tensor_set_requires_grad(Handle, value ? 1 : 0), "requires_grad_");
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    public Tensor RequiresGrad_(bool on = true)
    {
        RequiresGrad = on;
        return this;
    }

    /// <summary>True for tensors created by the user rather than by a recorded operation.</summary>
    public bool IsLeaf => Check(trm_tensor_is_leaf(Handle), "is_leaf") != 0;

    /// <summary>Swaps the data of this tensor for <paramref name="source"/>'s (PyTorch's <c>t.data = source</c>); identity is kept.</summary>
    internal void SetData(Tensor source)
    {
        Check(trm_tensor_set_data(Handle, source.Handle), "set_data");
        _shape = null;
        _dtype = -1;
        _device = null;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor(shape=[{string.Join(", ", ShapeCached)}], dtype={DType}, device={Device})";

    // ---- conversion ----

    /// <summary>Copies to a device (no copy when already there).</summary>
    public Tensor To(Device device) => New(trm_tensor_to(Handle, (int)device.Type, device.Index, -1, 0), "to");

    /// <summary>Converts to a dtype (no copy when already that type).</summary>
    public Tensor To(DType dtype) => New(trm_tensor_to(Handle, -1, 0, (int)dtype, 0), "to");

    /// <summary>Copies/converts to a device and dtype.</summary>
    public Tensor To(Device device, DType dtype) => New(trm_tensor_to(Handle, (int)device.Type, device.Index, (int)dtype, 0), "to");

    /// <summary>A copy that shares nothing with this tensor (autograd records it).</summary>
    public Tensor Clone() => New(trm_tensor_clone(Handle), "clone");

    /// <summary>This tensor laid out contiguously (itself-equivalent when already contiguous).</summary>
    public Tensor Contiguous() => New(trm_tensor_contiguous(Handle), "contiguous");

    /// <summary>A new handle to the same tensor (same data and autograd identity); dispose it independently.</summary>
    public Tensor Alias() => New(trm_tensor_alias(Handle), "alias");

    /// <summary>
    /// Copies the elements (row-major) into a new .NET array. <typeparamref name="T"/> must match the dtype
    /// (<see cref="ushort"/> reads the raw bits of bfloat16/float16).
    /// </summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        CheckElementType<T>();
        var result = new T[checked((int)NumEl)];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements (row-major) into <paramref name="destination"/>, whose length must equal <see cref="NumEl"/>.</summary>
    public void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        CheckElementType<T>();
        if (destination.Length != NumEl)
            throw new ArgumentException($"destination has {destination.Length} elements but the tensor has {NumEl}", nameof(destination));
        fixed (T* p = destination) Check(trm_tensor_copy_to(Handle, p, (long)destination.Length * sizeof(T)), "copy_to");
    }

    private void CheckElementType<T>() where T : unmanaged
    {
        DType dt = DType;
        Type? clr = dt.ClrType();
        bool ok = clr == typeof(T) || (typeof(T) == typeof(ushort) && (dt is DType.BFloat16 or DType.Float16));
        if (!ok)
            throw new InvalidOperationException(
                $"Cannot read a {dt} tensor as {typeof(T).Name}; convert it first with To(DType.Float32) or read it as {clr?.Name ?? "ushort"}.");
    }

    /// <summary>The single element of a one-element tensor, converted to <typeparamref name="T"/>.</summary>
    public T Item<T>() where T : unmanaged
    {
        double d;
        long l;
        Check(trm_tensor_item(Handle, &d, &l), "item");
        if (typeof(T) == typeof(float)) return (T)(object)(float)d;
        if (typeof(T) == typeof(double)) return (T)(object)d;
        if (typeof(T) == typeof(long)) return (T)(object)l;
        if (typeof(T) == typeof(int)) return (T)(object)checked((int)l);
        if (typeof(T) == typeof(bool)) return (T)(object)(l != 0);
        if (typeof(T) == typeof(byte)) return (T)(object)checked((byte)l);
        if (typeof(T) == typeof(Half)) return (T)(object)(Half)d;
        throw new NotSupportedException($"Item<{typeof(T).Name}> is not supported.");
    }

    // ---- autograd ----

    /// <summary>The accumulated gradient (a new handle each call), or null when none was computed.</summary>
    public Tensor? Grad
    {
        get
        {
            IntPtr g;
            Check(trm_grad(Handle, &g), "grad");
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set => Check(trm_set_grad(Handle, value is null ? IntPtr.Zero : value.RawHandle), "set_grad");
    }

    /// <summary>Computes gradients of this tensor with respect to graph leaves.</summary>
    /// <param name="gradient">The gradient of the final output with respect to this tensor (required unless scalar).</param>
    /// <param name="retainGraph">Keep the graph for another backward pass.</param>
    /// <param name="createGraph">Record the backward pass for higher-order gradients.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
    {
        Check(trm_backward(Handle, gradient is null ? IntPtr.Zero : gradient.RawHandle, retainGraph ? 1 : 0, createGraph ? 1 : 0), "backward");
        GC.KeepAlive(gradient);
    }

    /// <summary>A tensor sharing data with this one but cut from the graph.</summary>
    public Tensor Detach() => New(trm_detach(Handle), "detach");

    /// <summary>Cuts this tensor from the graph in place.</summary>
    public Tensor Detach_()
    {
        Check(trm_detach_(Handle), "detach_");
        return this;
    }

    /// <summary>Moves this tensor from its dispose scope to the enclosing one (or detaches it when there is none).</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        Scope?.MoveToOuter(this);
        return this;
    }

    /// <summary>Removes this tensor from its dispose scope: the caller now owns it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope?.Forget(this);
        return this;
    }
}
