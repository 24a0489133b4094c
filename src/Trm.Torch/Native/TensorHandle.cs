using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>Owns one native at::Tensor handle; frees it on dispose or finalization.</summary>
internal sealed class TensorHandle : SafeHandle
{
    private static long s_live;

    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    internal TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
        Interlocked.Increment(ref s_live);
    }

    /// <summary>Number of native tensor handles not yet released.</summary>
    internal static long Live => Interlocked.Read(ref s_live);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.trm_tensor_free(handle);
        Interlocked.Decrement(ref s_live);
        return true;
    }
}
