using System.Runtime.CompilerServices;

namespace Trm.Data.Tests.Puzzles;

/// <summary>Locates the committed fixtures under tests/Trm.Data.Tests/Data and makes scratch folders.</summary>
internal static class PuzzleTestData
{
    /// <summary>The Data folder next to this test project's sources.</summary>
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>A fresh empty folder under the system temp directory.</summary>
    public static string NewTempDirectory()
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trm-puz-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Find([CallerFilePath] string source = "")
    {
        // The source path is known at compile time; fall back to walking up from the binaries.
        var fromSource = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(source)!, "..", "Data"));
        if (Directory.Exists(fromSource))
            return fromSource;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "Trm.Data.Tests", "Data");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("tests/Trm.Data.Tests/Data not found.");
    }
}
