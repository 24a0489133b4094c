using System.IO.Compression;

namespace Trm.Data.Readers;

/// <summary>Opens data files for reading, decompressing gzip transparently (by magic bytes, whatever the extension).</summary>
public static class DataFile
{
    /// <summary>Opens <paramref name="path"/> for sequential reading; gzip content is decompressed on the fly.</summary>
    /// <exception cref="TrmDataException">The file does not exist.</exception>
    public static Stream OpenRead(string path)
    {
        if (!File.Exists(path))
            throw new TrmDataException("file not found", path, null, null);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        var n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (n == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        return file;
    }
}
