using System.Reflection;
using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>
/// Finds libtrm_native.so: the path in TRM_NATIVE_LIB, else next to this assembly, else in the application base
/// directory or its runtimes/linux-x64/native folder, else the system loader's search path.
/// </summary>
internal static class NativeLibraryResolver
{
    private static int s_registered;

    internal static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) != 0) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver was already set for this assembly (e.g. by a host); keep it.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != NativeMethods.Lib) return IntPtr.Zero;
        string? env = Environment.GetEnvironmentVariable("TRM_NATIVE_LIB");
        if (!string.IsNullOrEmpty(env))
        {
            if (NativeLibrary.TryLoad(env, out IntPtr fromEnv)) return fromEnv;
            throw new DllNotFoundException($"TRM_NATIVE_LIB points to '{env}', which could not be loaded.");
        }
        const string file = "libtrm_native.so";
        var dirs = new List<string>();
        string? asmDir = Path.GetDirectoryName(assembly.Location);
        if (!string.IsNullOrEmpty(asmDir)) dirs.Add(asmDir);
        dirs.Add(AppContext.BaseDirectory);
        foreach (string dir in dirs)
        {
            foreach (string candidate in new[] { Path.Combine(dir, file), Path.Combine(dir, "runtimes", "linux-x64", "native", file) })
            {
                if (File.Exists(candidate)) return NativeLibrary.Load(candidate); // throws with the loader's message (e.g. libtorch missing)
            }
        }
        return NativeLibrary.TryLoad(file, assembly, searchPath, out IntPtr fallback) ? fallback : IntPtr.Zero;
    }
}
