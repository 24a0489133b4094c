namespace Trm.Torch.Native;

/// <summary>
/// Makes idle OpenMP threads sleep instead of spinning (<c>OMP_WAIT_POLICY=PASSIVE</c>) before libtorch loads the OpenMP
/// runtime. libtorch runs its element-wise kernels on OpenMP threads and its matrix products in OpenBLAS, which (Debian's
/// pthread build) has its own pool of threads; with the default policy, OpenMP threads that just finished a kernel keep
/// spinning on the cores that OpenBLAS's threads need next. Measured on a 2-core Xeon VM: the quickstart's training ran
/// 2.1 times as fast with two threads (400 steps: 129 s before, 61 s after). Nothing is set
/// when the user has set <c>OMP_WAIT_POLICY</c> (to any value).
/// </summary>
internal static class OpenMpWaitPolicy
{
    /// <summary>The OpenMP variable.</summary>
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets <c>OMP_WAIT_POLICY=PASSIVE</c> when it is unset; returns whether it did.</summary>
    public static bool Apply() => NativeEnvironment.SetDefault(Variable, "PASSIVE");
}
