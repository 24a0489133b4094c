using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Cuda;

/// <summary>
/// The fused CUDA kernels of the shim (native/src/kernels.cu): residual add + RMSNorm (<see cref="F.AddRmsNorm"/>), the SwiGLU
/// gate (<see cref="F.SwiGlu"/>) and the AdamATan2 update (<see cref="Optim.AdamAtan2"/>). They are compiled only when the shim
/// is built against a CUDA libtorch with nvcc, and are off until <see cref="Enabled"/> is set: every call then runs the
/// unfused libtorch ops, on the CPU always. The switch is process-wide.
/// </summary>
public static class FusedKernels
{
    /// <summary>True when the shim was built with the fused kernels.</summary>
    public static bool IsCompiled => trm_fused_kernels_compiled() != 0;

    /// <summary>Whether CUDA tensors go through the fused kernels (default false).</summary>
    /// <exception cref="NotSupportedException">Set to true in a shim built without the kernels.</exception>
    public static bool Enabled
    {
        get => trm_fused_kernels_enabled() != 0;
        set
        {
            NativeLibraryResolver.EnsureLoaded();
            if (value && !IsCompiled)
                throw new NotSupportedException("Fused CUDA kernels: trm_native was built without them (it needs a CUDA libtorch and nvcc; see docs/gpu.md).");
            Check(trm_fused_kernels_set_enabled(value ? 1 : 0), "fused_kernels.set_enabled");
        }
    }
}
