using System.Runtime.InteropServices;

namespace Trm.Torch.Native;

/// <summary>
/// dlopen/dlerror, called directly because <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> drops the loader's
/// message (which names the dependency that is missing). glibc 2.34+ exports them from libc; older ones from libdl.
/// </summary>
internal static partial class UnixLoader
{
    private const int RtldNow = 2;

    /// <summary>Loads <paramref name="path"/>; on failure returns zero and the loader's message.</summary>
    internal static IntPtr Open(string path, out string? error)
    {
        error = null;
        IntPtr handle;
        try
        {
            Libc.dlerror();
            handle = Libc.dlopen(path, RtldNow);
            if (handle == IntPtr.Zero) error = Marshal.PtrToStringUTF8(Libc.dlerror());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Libdl.dlerror();
            handle = Libdl.dlopen(path, RtldNow);
            if (handle == IntPtr.Zero) error = Marshal.PtrToStringUTF8(Libdl.dlerror());
        }
        return handle;
    }

    private static partial class Libc
    {
        [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr dlopen(string path, int flags);

        [LibraryImport("libc.so.6")]
        internal static partial IntPtr dlerror();
    }

    private static partial class Libdl
    {
        [LibraryImport("libdl.so.2", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial IntPtr dlopen(string path, int flags);

        [LibraryImport("libdl.so.2")]
        internal static partial IntPtr dlerror();
    }
}
