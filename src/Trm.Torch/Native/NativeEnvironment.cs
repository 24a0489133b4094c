using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>
/// Sets variables that native libraries read with <c>getenv()</c> when they are loaded (OpenBLAS, the OpenMP runtime), so
/// they must be in the C environment before libtorch loads, not only in .NET's copy of it.
/// </summary>
internal static partial class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/> in both environments unless it is already set (to anything); returns whether it set it.</summary>
    /// <param name="name">Variable name.</param>
    /// <param name="value">Value.</param>
    public static bool SetDefault(string name, string value)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))) return false;
        Environment.SetEnvironmentVariable(name, value);
        return !OperatingSystem.IsLinux() || SetEnv(name, value, 0) == 0;
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
