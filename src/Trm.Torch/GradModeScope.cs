using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

/// <summary>Sets autograd's grad mode on this thread until disposed, then restores the previous mode.</summary>
internal sealed class GradModeScope : IDisposable
{
    private readonly bool _previous;
    private bool _disposed;

    internal GradModeScope(bool enabled)
    {
        _previous = Check(trm_set_grad_enabled(enabled ? 1 : 0), "set_grad_enabled") != 0;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Check(trm_set_grad_enabled(_previous ? 1 : 0), "set_grad_enabled");
    }
}

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
