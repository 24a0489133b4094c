namespace Trm.Torch.Native;

/// <summary>Owns one native at::Tensor handle; frees it on dispose or finalization.</summary>
internal sealed class TensorHandle : NativeHandle
{
    private static long s_live;

    public TensorHandle()
    {
    }

    internal TensorHandle(IntPtr handle)
    {
        SetHandle(handle);
        Interlocked.Increment(ref s_live);
    }

    /// <summary>Number of native tensor handles not yet released.</summary>
    internal static long Live => Interlocked.Read(ref s_live);

    protected override bool ReleaseHandle()
    {
        NativeMethods.trm_tensor_free(handle);
        Interlocked.Decrement(ref s_live);
        return true;
    }
}
