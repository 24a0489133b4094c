namespace Trm.Torch;

/// <summary>
/// The native engine could not be loaded: <c>libtrm_native.so</c> was not found, or it (or a libtorch library it needs)
/// failed to load. <see cref="Exception.Message"/> is one line that names the library, quotes the system loader's
/// message, gives the command that installs what is missing and mentions <c>TRM_NATIVE_LIB</c>.
/// </summary>
/// <remarks>It derives from <see cref="DllNotFoundException"/>, so existing handlers of that type still catch it.</remarks>
public sealed class NativeLibraryLoadException : DllNotFoundException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The one-line, actionable message.</param>
    /// <param name="library">The library that failed to load (a path or a file name).</param>
    /// <param name="loaderMessage">The system loader's own message (dlerror), or null.</param>
    /// <param name="searchedPaths">The paths that were tried, in order.</param>
    public NativeLibraryLoadException(string message, string library, string? loaderMessage, IReadOnlyList<string> searchedPaths)
        : base(message)
    {
        Library = library;
        LoaderMessage = loaderMessage;
        SearchedPaths = searchedPaths;
    }

    /// <summary>The library that failed to load: <c>libtrm_native.so</c> (with its path when found) or a library it needs.</summary>
    public string Library { get; }

    /// <summary>The system loader's message (dlerror), e.g. <c>libc10.so: cannot open shared object file: No such file or directory</c>.</summary>
    public string? LoaderMessage { get; }

    /// <summary>Where <c>libtrm_native.so</c> was looked for, in order.</summary>
    public IReadOnlyList<string> SearchedPaths { get; }
}
