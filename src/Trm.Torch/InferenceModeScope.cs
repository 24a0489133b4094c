using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

/// <summary>libtorch's inference mode on this thread until disposed (LIFO with other guards on the same thread).</summary>
internal sealed class InferenceModeScope : IDisposable
{
    private IntPtr _guard;

    internal InferenceModeScope()
    {
        _guard = Check(trm_inference_mode_enter(), "inference_mode");
    }

    public void Dispose()
    {
        IntPtr g = Interlocked.Exchange(ref _guard, IntPtr.Zero);
        if (g != IntPtr.Zero) trm_inference_mode_exit(g);
    }
}
