namespace Trm.Torch.Native;

/// <summary>
/// Chooses Debian 12's OpenBLAS 0.3.21 kernel family before libtorch loads it, on x86 CPUs with AVX-512, where its own
/// choice is wrong:
/// <list type="bullet">
/// <item>On AMD CPUs with AVX-512 (Zen 4) it picks its AVX-512 (SkylakeX) SGEMM kernels, and on this project's AMD EPYC
/// machines those produce non-finite results every few hundred products: TRM training turns NaN within tens of steps.
/// Forcing SkylakeX on an Intel Xeon gave a non-finite gradient too (once in a few thousand steps).</item>
/// <item>On Intel CPUs with AVX-512 it does not know the newer models (an Emerald Rapids Xeon, model 207, is one) and falls
/// back to its SSE3 "Prescott" kernels: measured on a 2-core Xeon VM, the quickstart's training steps 1.8 times as fast on
/// one thread with the Haswell kernels.</item>
/// </list>
/// Its Haswell (AVX2) kernels are used on both (measured: the quickstart's loss stays finite). Nothing is set when the user
/// has set <c>OPENBLAS_CORETYPE</c> (any value: set it yourself to choose otherwise) or on other CPUs.
/// </summary>
internal static class OpenBlasCoreType
{
    /// <summary>The OpenBLAS variable that forces a kernel family.</summary>
    public const string Variable = "OPENBLAS_CORETYPE";

    /// <summary>Sets <c>OPENBLAS_CORETYPE</c> in the process environment when <see cref="Choose"/> gives a kernel family; returns whether it did.</summary>
    public static bool Apply()
    {
        if (!OperatingSystem.IsLinux() || Choose(Environment.GetEnvironmentVariable(Variable), ReadCpuInfo()) is not { } core) return false;
        return NativeEnvironment.SetDefault(Variable, core);
    }

    /// <summary>Whether a kernel family is forced: see <see cref="Choose"/>.</summary>
    /// <param name="current">The variable's current value.</param>
    /// <param name="cpuInfo">The text of <c>/proc/cpuinfo</c>.</param>
    public static bool Applies(string? current, string cpuInfo) => Choose(current, cpuInfo) is not null;

    /// <summary>
    /// The kernel family to force: <c>Haswell</c> on an AMD or Intel CPU with AVX-512; none when <paramref name="current"/> is
    /// set or on any other CPU.
    /// </summary>
    /// <param name="current">The variable's current value.</param>
    /// <param name="cpuInfo">The text of <c>/proc/cpuinfo</c>.</param>
    public static string? Choose(string? current, string cpuInfo) =>
        string.IsNullOrEmpty(current)
        && cpuInfo.Contains(" avx512f", StringComparison.Ordinal)
        && (cpuInfo.Contains("AuthenticAMD", StringComparison.Ordinal) || cpuInfo.Contains("GenuineIntel", StringComparison.Ordinal))
            ? "Haswell"
            : null;

    private static string ReadCpuInfo()
    {
        try
        {
            return File.ReadAllText("/proc/cpuinfo");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
