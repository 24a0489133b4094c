using System.Reflection;
using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>
/// Finds and loads libtrm_native.so once per process: the path in TRM_NATIVE_LIB (a file, or a folder holding it);
/// else next to Trm.Torch.dll, in its runtimes/&lt;rid&gt;/native folder, or in the NuGet layout's
/// ../../runtimes/&lt;rid&gt;/native (a scripting host that references the DLL in the package cache); else the application
/// base directory and its runtimes/&lt;rid&gt;/native; else the system loader's path. Any failure becomes one
/// <see cref="NativeLibraryLoadException"/> whose message names the library, quotes the loader and says how to fix it.
/// </summary>
internal static class NativeLibraryResolver
{
    internal const string FileName = "libtrm_native.so";
    internal const string EnvironmentVariable = "TRM_NATIVE_LIB";
    internal const string InstallCommand = "sudo apt-get install libtorch-dev libopenblas-dev";

    private static readonly Lazy<(IntPtr Handle, NativeLibraryLoadException? Error)> s_loaded = new(Load);
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

    /// <summary>Loads the library (once); throws <see cref="NativeLibraryLoadException"/> when it cannot be loaded.</summary>
    internal static IntPtr EnsureLoaded()
    {
        var (handle, error) = s_loaded.Value;
        if (error is not null) throw error;
        return handle;
    }

    /// <summary>Whether the library is (or can now be) loaded; never throws.</summary>
    internal static bool TryEnsureLoaded() => s_loaded.Value.Error is null;

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == NativeMethods.Lib ? EnsureLoaded() : IntPtr.Zero;

    /// <summary>The runtime identifier of the native assets: <c>linux-x64</c>, <c>linux-arm64</c>, …</summary>
    internal static string RuntimeId
    {
        get
        {
            string os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsWindows() ? "win" : "unknown";
            return $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        }
    }

    /// <summary>Candidate paths of the library, in search order (without TRM_NATIVE_LIB).</summary>
    internal static List<string> Candidates(string? assemblyDirectory, string baseDirectory)
    {
        string rid = RuntimeId;
        var dirs = new List<string>();
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            dirs.Add(assemblyDirectory);
            dirs.Add(Path.Combine(assemblyDirectory, "runtimes", rid, "native"));
            // NuGet package layout: lib/<tfm>/Trm.Torch.dll beside runtimes/<rid>/native/.
            dirs.Add(Path.GetFullPath(Path.Combine(assemblyDirectory, "..", "..", "runtimes", rid, "native")));
        }
        dirs.Add(baseDirectory);
        dirs.Add(Path.Combine(baseDirectory, "runtimes", rid, "native"));
        return dirs.Select(d => Path.Combine(d, FileName)).Distinct().ToList();
    }

    private static (IntPtr, NativeLibraryLoadException?) Load()
    {
        OpenBlasCoreType.Apply();
        OpenMpWaitPolicy.Apply();
        var searched = new List<string>();
        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env))
        {
            string path = Directory.Exists(env) ? Path.Combine(env, FileName) : env;
            searched.Add(path);
            if (!File.Exists(path))
            {
                return (IntPtr.Zero, NotFound(searched, $"{EnvironmentVariable}={env} names no {FileName}"));
            }
            return Open(path, searched);
        }
        string? asmDir = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location);
        foreach (string candidate in Candidates(asmDir, AppContext.BaseDirectory))
        {
            searched.Add(candidate);
            if (File.Exists(candidate)) return Open(candidate, searched);
        }
        searched.Add($"{FileName} on the system loader's path");
        if (!OperatingSystem.IsLinux())
        {
            return NativeLibrary.TryLoad(FileName, out IntPtr other)
                ? (other, null)
                : (IntPtr.Zero, NotFound(searched, $"Trm.Torch's native engine is built for linux-x64; none was found for {RuntimeId}"));
        }
        IntPtr handle = UnixLoader.Open(FileName, out string? error);
        return handle != IntPtr.Zero ? (handle, null) : (IntPtr.Zero, NotFound(searched, error));
    }

    private static (IntPtr, NativeLibraryLoadException?) Open(string path, List<string> searched)
    {
        string? error;
        IntPtr handle;
        if (OperatingSystem.IsLinux())
        {
            handle = UnixLoader.Open(path, out error);
        }
        else
        {
            try
            {
                handle = NativeLibrary.Load(path);
                error = null;
            }
            catch (DllNotFoundException e)
            {
                handle = IntPtr.Zero;
                error = e.Message;
            }
        }
        if (handle != IntPtr.Zero) return (handle, null);
        // dlerror starts with the library that failed: the shim itself or a dependency (libc10.so..., libtorch_cpu.so...).
        string failed = error is null ? path : error.Split(':', 2)[0].Trim();
        bool dependency = failed.Length > 0 && failed != path && !failed.EndsWith(FileName, StringComparison.Ordinal);
        string what = dependency
            ? $"{FileName} ({path}) needs {failed}, which could not be loaded: {error}."
            : $"{FileName} ({path}) could not be loaded: {error}.";
        string fix = dependency
            ? $"Install libtorch with: {InstallCommand} (Debian 12: libtorch 1.13, CPU); a shim built against another libtorch (e.g. CUDA, eng/gpu/run.sh) must run beside that libtorch"
            : $"Rebuild it for this machine (dotnet build src/Trm.Torch with {InstallCommand} cmake g++ installed)";
        string message = $"Trm.Torch could not load its native engine: {what} {fix}, or set {EnvironmentVariable} to a working {FileName} (see docs/engine.md).";
        return (IntPtr.Zero, new NativeLibraryLoadException(message, dependency ? failed : path, error, searched));
    }

    private static NativeLibraryLoadException NotFound(List<string> searched, string? detail)
    {
        string message = $"Trm.Torch could not load its native engine: {FileName} was not found ({detail}; searched {string.Join(", ", searched)}). " +
                         $"It ships in the Trm.Torch package as runtimes/linux-x64/native/{FileName} and needs libtorch: {InstallCommand}; " +
                         $"or set {EnvironmentVariable} to the path of a {FileName} (e.g. one built by eng/gpu/run.sh for CUDA) (see docs/engine.md).";
        return new NativeLibraryLoadException(message, FileName, detail, searched);
    }
}
