using System.IO.Compression;
using System.Text;

namespace Trm.Tokenization.Tests;

/// <summary>Access to the files under Data/ (copied next to the test assembly).</summary>
internal static class TestData
{
    private static readonly Lazy<string> s_shakespeare = new(() => Encoding.UTF8.GetString(ReadGzip("tinyshakespeare/input.txt.gz")));

    public static string PathOf(string relative) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", relative);

    public static byte[] ReadGzip(string relative)
    {
        using var file = File.OpenRead(PathOf(relative));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Tiny Shakespeare (1,115,394 characters).</summary>
    public static string TinyShakespeare => s_shakespeare.Value;
}
