using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>
/// Works around an OpenBLAS kernel bug before libtorch loads it. Debian 12's OpenBLAS 0.3.21 picks its AVX-512
/// (SkylakeX) SGEMM kernels on AMD CPUs with AVX-512 (Zen 4), and on this project's AMD EPYC machines those produce
/// non-finite results every few hundred products: TRM training turns NaN within tens of steps, at a step that changes from
/// run to run. Forcing OpenBLAS's Haswell (AVX2) kernels removes it (measured: the quickstart's loss stays finite). The
/// variable is only set when the user has not set <c>OPENBLAS_CORETYPE</c> and the CPU is an AMD one with AVX-512; set
/// <c>OPENBLAS_CORETYPE</c> yourself (any value) to choose otherwise.
/// </summary>
internal static partial class OpenBlasCoreType
{
    /// <summary>The OpenBLAS variable that forces a kernel family.</summary>
    public const string Variable = "OPENBLAS_CORETYPE";

    /// <summary>Sets <c>OPENBLAS_CORETYPE=Haswell</c> in the process environment when <see cref="Applies"/> says so; returns whether it did.</summary>
    public static bool Apply()
    {
        if (!OperatingSystem.IsLinux() || !Applies(Environment.GetEnvironmentVariable(Variable), ReadCpuInfo())) return false;
        // OpenBLAS reads the variable with getenv() when it is loaded: it must be in the C environment, not only .NET's.
        Environment.SetEnvironmentVariable(Variable, "Haswell");
        return SetEnv(Variable, "Haswell", 0) == 0;
    }

    /// <summary>Whether the workaround applies: the variable is unset and <paramref name="cpuInfo"/> describes an AMD CPU with AVX-512.</summary>
    /// <param name="current">The variable's current value.</param>
    /// <param name="cpuInfo">The text of <c>/proc/cpuinfo</c>.</param>
    public static bool Applies(string? current, string cpuInfo) =>
        string.IsNullOrEmpty(current)
        && cpuInfo.Contains("AuthenticAMD", StringComparison.Ordinal)
        && cpuInfo.Contains(" avx512f", StringComparison.Ordinal);

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

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
