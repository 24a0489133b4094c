using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Cuda;

/// <summary>CUDA automatic mixed precision (torch.autocast("cuda", dtype)) on this thread.</summary>
public static unsafe class Autocast
{
    /// <summary>Enables autocast with <paramref name="dtype"/> (BFloat16 or Float16) until the result is disposed.</summary>
    public static IDisposable Enter(DType dtype = DType.BFloat16)
    {
        CudaDevice.RequireCuda("autocast");
        if (dtype is not (DType.BFloat16 or DType.Float16))
            throw new ArgumentException($"autocast runs in BFloat16 or Float16, not {dtype}", nameof(dtype));
        int prevEnabled, prevDtype;
        Check(trm_autocast_enter((int)dtype, &prevEnabled, &prevDtype), "autocast");
        return new Scope(prevEnabled, prevDtype);
    }

    private sealed class Scope(int prevEnabled, int prevDtype) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Check(trm_autocast_exit(prevEnabled, prevDtype), "autocast exit");
        }
    }
}
