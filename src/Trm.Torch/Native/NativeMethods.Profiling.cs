using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>P/Invoke declarations of native/src/profiling.cpp and native/src/blas_threads.cpp.</summary>
internal static partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial int trm_op_count_start();
    [LibraryImport(Lib)] internal static partial IntPtr trm_op_count_stop();
    [LibraryImport(Lib)] internal static partial int trm_get_num_interop_threads();
    [LibraryImport(Lib)] internal static partial int trm_get_num_blas_threads();
}
