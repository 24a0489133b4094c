using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

public sealed unsafe partial class Tensor
{
    /// <summary>A view with a new shape (one entry may be -1); the data must be compatible with the view.</summary>
    public Tensor View(params long[] shape)
    {
        fixed (long* p = shape) return New(trm_view(Handle, p, shape.Length), "view");
    }

    /// <summary>A tensor with a new shape, viewing the data when possible and copying otherwise.</summary>
    public Tensor Reshape(params long[] shape)
    {
        fixed (long* p = shape) return New(trm_reshape(Handle, p, shape.Length), "reshape");
    }

    /// <summary>A view with explicit sizes, strides (in elements) and storage offset.</summary>
    public Tensor AsStrided(long[] size, long[] stride, long storageOffset = 0)
    {
        if (size.Length != stride.Length) throw new ArgumentException($"size has {size.Length} entries but stride has {stride.Length}", nameof(stride));
        fixed (long* sp = size)
        fixed (long* tp = stride)
            return New(trm_as_strided(Handle, sp, tp, size.Length, storageOffset), "as_strided");
    }

    /// <summary>Reorders the dimensions.</summary>
    public Tensor Permute(params long[] order)
    {
        fixed (long* p = order) return New(trm_permute(Handle, p, order.Length), "permute");
    }

    /// <summary>Broadcasts size-1 dimensions to <paramref name="shape"/> (-1 keeps a size) without copying.</summary>
    public Tensor Expand(params long[] shape)
    {
        fixed (long* p = shape) return New(trm_expand(Handle, p, shape.Length), "expand");
    }

    /// <summary>Tiles the tensor <paramref name="repeats"/> times along each dimension (copies).</summary>
    public Tensor Repeat(params long[] repeats)
    {
        fixed (long* p = repeats) return New(trm_repeat(Handle, p, repeats.Length), "repeat");
    }

    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(long dim0, long dim1) => New(trm_transpose(Handle, dim0, dim1), "transpose");

    /// <summary>Removes a size-1 dimension.</summary>
    public Tensor Squeeze(long dim) => New(trm_squeeze(Handle, dim, 0), "squeeze");

    /// <summary>Removes every size-1 dimension.</summary>
    public Tensor Squeeze() => New(trm_squeeze(Handle, 0, 1), "squeeze");

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(long dim) => New(trm_unsqueeze(Handle, dim), "unsqueeze");

    /// <summary>Flattens dimensions <paramref name="start"/>..<paramref name="end"/> into one.</summary>
    public Tensor Flatten(long start = 0, long end = -1) => New(trm_flatten(Handle, start, end), "flatten");

    /// <summary>A view of <paramref name="length"/> entries of <paramref name="dim"/> from <paramref name="start"/>.</summary>
    public Tensor Narrow(long dim, long start, long length) => New(trm_narrow(Handle, dim, start, length), "narrow");

    /// <summary>A view of entries [start, end) with a step along <paramref name="dim"/> (Python's <c>t[start:end:step]</c>).</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1) => New(trm_slice(Handle, dim, start, end, step), "slice");

    /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="dim"/>, with that dimension removed.</summary>
    public Tensor Select(long dim, long index) => New(trm_select(Handle, dim, index), "select");

    /// <summary>Entries along <paramref name="dim"/> at the int64 positions in <paramref name="index"/>.</summary>
    public Tensor IndexSelect(long dim, Tensor index) => New(trm_index_select(Handle, dim, index.Handle), "index_select");

    /// <summary>Gathers values along <paramref name="dim"/> at <paramref name="index"/> (same rank as this tensor).</summary>
    public Tensor Gather(long dim, Tensor index) => New(trm_gather(Handle, dim, index.Handle), "gather");

    /// <summary>A copy with <paramref name="src"/> written at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor Scatter(long dim, Tensor index, Tensor src) => New(trm_scatter(Handle, dim, index.Handle, src.Handle, 0), "scatter");

    /// <summary>A copy with <paramref name="src"/> added at <paramref name="index"/> along <paramref name="dim"/>.</summary>
    public Tensor ScatterAdd(long dim, Tensor index, Tensor src) => New(trm_scatter(Handle, dim, index.Handle, src.Handle, 1), "scatter_add");

    /// <summary>A copy with <paramref name="value"/> where the boolean <paramref name="mask"/> (broadcast) is true.</summary>
    public Tensor MaskedFill(Tensor mask, double value) => New(trm_masked_fill(Handle, mask.Handle, value), "masked_fill");

    /// <summary>The 1-D tensor of elements where the boolean <paramref name="mask"/> is true.</summary>
    public Tensor MaskedSelect(Tensor mask) => New(trm_masked_select(Handle, mask.Handle), "masked_select");

    /// <summary>Advanced indexing <c>t[i0, i1, ...]</c> with int64 or bool index tensors for the leading dimensions.</summary>
    public Tensor Index(params Tensor[] indices)
    {
        IntPtr* h = stackalloc IntPtr[indices.Length];
        for (int i = 0; i < indices.Length; i++) h[i] = indices[i].RawHandle;
        var r = New(trm_index(Handle, h, indices.Length), "index");
        GC.KeepAlive(indices);
        return r;
    }

    /// <summary>In place <c>t[i0, i1, ...] = values</c> (or <c>+=</c> with <paramref name="accumulate"/>).</summary>
    public Tensor IndexPut_(Tensor[] indices, Tensor values, bool accumulate = false)
    {
        IntPtr* h = stackalloc IntPtr[indices.Length];
        for (int i = 0; i < indices.Length; i++) h[i] = indices[i].RawHandle;
        Check(trm_index_put_(Handle, h, indices.Length, values.Handle, accumulate ? 1 : 0), "index_put_");
        GC.KeepAlive(indices);
        return this;
    }

    /// <summary>Splits into pieces of <paramref name="size"/> along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] Split(long size, long dim = 0) => SplitCore(SplitMode.Split, size, dim);

    /// <summary>Splits into <paramref name="chunks"/> nearly equal pieces along <paramref name="dim"/>.</summary>
    public Tensor[] Chunk(long chunks, long dim = 0) => SplitCore(SplitMode.Chunk, chunks, dim);

    /// <summary>Removes <paramref name="dim"/>, returning each slice along it.</summary>
    public Tensor[] Unbind(long dim = 0) => SplitCore(SplitMode.Unbind, 0, dim);

    private Tensor[] SplitCore(SplitMode mode, long arg, long dim)
    {
        int count;
        IntPtr* items = trm_split(Handle, (int)mode, arg, dim, &count);
        if (items == null) throw TakeError(mode.Name());
        try
        {
            var result = new Tensor[count];
            for (int i = 0; i < count; i++) result[i] = new Tensor(items[i]);
            return result;
        }
        finally
        {
            trm_free((IntPtr)items);
        }
    }

    /// <summary>Lower triangle (<paramref name="diagonal"/> shifts it); other entries zero.</summary>
    public Tensor Tril(long diagonal = 0) => New(trm_tril(Handle, diagonal, 0), "tril");

    /// <summary>Upper triangle (<paramref name="diagonal"/> shifts it); other entries zero.</summary>
    public Tensor Triu(long diagonal = 0) => New(trm_tril(Handle, diagonal, 1), "triu");
}
