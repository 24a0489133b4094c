using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>P/Invoke declarations of native/src/distributed.cpp.</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int trm_dist_available();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial ProcessGroupHandle trm_pg_new_gloo(string init, int rank, int worldSize, string host, long timeoutMs);
    [LibraryImport(Lib)] internal static partial int trm_dist_nccl_available();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial ProcessGroupHandle trm_pg_new_nccl(string init, int rank, int worldSize, long timeoutMs);
    [LibraryImport(Lib)] internal static partial void trm_pg_free(IntPtr g);
    [LibraryImport(Lib)] internal static partial int trm_pg_allreduce(ProcessGroupHandle g, IntPtr* tensors, int n, int op);
    [LibraryImport(Lib)] internal static partial int trm_pg_broadcast(ProcessGroupHandle g, TensorHandle t, int root);
    [LibraryImport(Lib)] internal static partial int trm_pg_barrier(ProcessGroupHandle g);
    [LibraryImport(Lib)] internal static partial int trm_pg_allgather(ProcessGroupHandle g, TensorHandle input, IntPtr* outputs);
}
