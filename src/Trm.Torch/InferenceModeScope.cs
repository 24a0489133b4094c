using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch;

/// <summary>libtorch's inference mode on this thread until disposed (LIFO with other guards on the same thread).</summary>
internal sealed class InferenceModeScope : IDisposable
{
    private readonly InferenceModeGuardHandle _guard;

    internal InferenceModeScope()
    {
        _guard = trm_inference_mode_enter();
        if (_guard.IsInvalid) throw TakeError("inference_mode");
    }

    public void Dispose() => _guard.Dispose();
}
