using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Cuda;

/// <summary>
/// A captured CUDA graph: <see cref="Capture"/> records the kernels an action launches (on a side stream), <see cref="Replay"/>
/// relaunches them with one call. Inputs/outputs must be static tensors allocated before capture and updated in place; warm the
/// action up (run it once or more) before capturing, as in PyTorch.
/// </summary>
public sealed class CudaGraph : IDisposable
{
    private readonly CudaGraphHandle _handle;
    private bool _captured;

    /// <summary>Creates an empty graph.</summary>
    /// <exception cref="NotSupportedException">The shim was built without CUDA.</exception>
    public CudaGraph()
    {
        CudaDevice.RequireCuda("cuda_graph");
        _handle = trm_cuda_graph_new();
        if (_handle.IsInvalid) throw TakeError("cuda_graph");
    }

    private CudaGraphHandle Handle => !_handle.IsClosed ? _handle : throw new ObjectDisposedException(nameof(CudaGraph));

    /// <summary>Records the CUDA work of <paramref name="action"/>.</summary>
    public void Capture(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (_captured) throw new InvalidOperationException("This CUDA graph was already captured; create a new one.");
        Check(trm_cuda_graph_capture_begin(Handle), "cuda_graph.capture_begin");
        try
        {
            action();
        }
        catch
        {
            try { Check(trm_cuda_graph_capture_end(Handle), "cuda_graph.capture_end"); }
            catch (TorchException) { /* the action's exception is the one to report */ }
            throw;
        }
        Check(trm_cuda_graph_capture_end(Handle), "cuda_graph.capture_end");
        _captured = true;
    }

    /// <summary>Relaunches the captured work.</summary>
    public void Replay()
    {
        if (!_captured) throw new InvalidOperationException("Capture the graph before replaying it.");
        Check(trm_cuda_graph_replay(Handle), "cuda_graph.replay");
    }

    /// <summary>Frees the graph.</summary>
    public void Dispose() => _handle.Dispose();
}
