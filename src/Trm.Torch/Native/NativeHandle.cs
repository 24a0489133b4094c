using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>
/// Base of the SafeHandles that own trm_native objects (tensors, generators, CUDA graphs, process groups, inference-mode
/// guards): null is invalid; each subclass frees its object with the matching <c>trm_*_free</c> export.
/// </summary>
internal abstract class NativeHandle : SafeHandle
{
    /// <summary>Creates an invalid handle (the marshaller sets it from a native return value).</summary>
    protected NativeHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;
}
