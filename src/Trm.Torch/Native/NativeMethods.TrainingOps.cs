using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>P/Invoke declarations of native/src/training_ops.cpp.</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Lib)] internal static partial IntPtr trm_atan2(TensorHandle y, TensorHandle x);
    [LibraryImport(Lib)] internal static partial int trm_adam_atan2_step(IntPtr* parameters, IntPtr* expAvg, IntPtr* expAvgSq, int n, long step, double lr, double beta1, double beta2, double weightDecay);
}
