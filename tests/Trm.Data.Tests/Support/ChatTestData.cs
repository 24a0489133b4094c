namespace Trm.Data.Tests.Support;

/// <summary>Locates the test data copied into the repository and makes scratch folders.</summary>
internal static class ChatTestData
{
    private static readonly Lazy<string> DataRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "Trm.Data.Tests", "Data");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("tests/Trm.Data.Tests/Data not found above " + AppContext.BaseDirectory);
    });

    /// <summary>A path under tests/Trm.Data.Tests/Data.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([DataRoot.Value, .. parts]);

    /// <summary>The shared full data sets, or <see langword="null"/> when not on the build machine.</summary>
    public static string? Shared(params string[] parts)
    {
        var path = System.IO.Path.Combine(["/work/shared/data", .. parts]);
        return File.Exists(path) ? path : null;
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trm-chat-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> to a file in the folder and returns its path.</summary>
    public string Write(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
