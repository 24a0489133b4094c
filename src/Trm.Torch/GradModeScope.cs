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
