namespace Trm.Torch.Native;

/// <summary>Owns one native CUDA graph (<see cref="Cuda.CudaGraph"/>); frees it with <c>trm_cuda_graph_free</c> on dispose or finalization.</summary>
internal sealed class CudaGraphHandle : NativeHandle
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.trm_cuda_graph_free(handle);
        return true;
    }
}
