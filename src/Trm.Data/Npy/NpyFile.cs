using Trm.Core.IO;

namespace Trm.Data.Npy;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0; little-endian or single-byte dtypes;
/// C order). Files written here load in NumPy unchanged (<c>np.load</c>), and are written atomically (temporary file,
/// then rename).
/// </summary>
public static class NpyFile
{
    /// <summary>Reads the whole array at <paramref name="path"/> into memory.</summary>
    /// <exception cref="TrmDataException">The file is not a supported .npy file (message names the file and header field).</exception>
    public static NpyArray Read(string path)
    {
        using var stream = OpenRead(path);
        var header = NpyHeader.Read(stream, path);
        var bytes = ReadData(stream, DataBytes(header, path), path);
        return new NpyArray(header.DType, header.Shape, new ManagedNpyStorage(bytes), path);
    }

    /// <summary>Reads an array from a stream positioned at the start of .npy content.</summary>
    /// <param name="stream">The stream to read.</param>
    /// <param name="name">A name for error messages (file name or description).</param>
    public static NpyArray Read(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = NpyHeader.Read(stream, name);
        var bytes = ReadData(stream, DataBytes(header, name), name);
        return new NpyArray(header.DType, header.Shape, new ManagedNpyStorage(bytes), name);
    }

    /// <summary>Opens the array at <paramref name="path"/> through a read-only memory map (for arrays larger than memory). Dispose it to release the file.</summary>
    /// <exception cref="TrmDataException">The file is not a supported .npy file or is truncated.</exception>
    public static NpyArray OpenMapped(string path)
    {
        NpyHeader header;
        long fileLength;
        using (var stream = OpenRead(path))
        {
            header = NpyHeader.Read(stream, path);
            fileLength = stream.Length;
        }
        var byteCount = DataBytes(header, path);
        if (fileLength - header.DataOffset < byteCount)
            throw new TrmDataException($"file is truncated: {fileLength - header.DataOffset} of {byteCount} data bytes present", path, null, "data");
        if (byteCount == 0)
            return new NpyArray(header.DType, header.Shape, new ManagedNpyStorage([]), path);
        return new NpyArray(header.DType, header.Shape, new MappedNpyStorage(path, header.DataOffset, byteCount), path);
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/> atomically (temporary file in the same folder, then rename).</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, stream => Write(stream, array));
    }

    /// <summary>Writes <paramref name="data"/> with <paramref name="shape"/> (default 1-d) to <paramref name="path"/> atomically.</summary>
    public static void Write<T>(string path, ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        using var array = NpyArray.FromArray(data, shape);
        Write(path, array);
    }

    /// <summary>Writes <paramref name="array"/> as .npy content to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        var shape = new long[array.Rank];
        for (var i = 0; i < shape.Length; i++)
            shape[i] = array.Shape[i];
        stream.Write(NpyHeader.Encode(array.DType, shape));
        var total = array.Length * array.ElementSize;
        var buffer = new byte[(int)Math.Min(total, 1 << 20)];
        long offset = 0;
        while (offset < total)
        {
            var n = (int)Math.Min(buffer.Length, total - offset);
            array.CopyBytes(offset / array.ElementSize, buffer.AsSpan(0, n));
            stream.Write(buffer, 0, n);
            offset += n;
        }
    }

    /// <summary>Reads only the header of <paramref name="path"/>: dtype and shape.</summary>
    public static (NpyDType DType, IReadOnlyList<long> Shape) ReadHeader(string path)
    {
        using var stream = OpenRead(path);
        var header = NpyHeader.Read(stream, path);
        return (header.DType, header.Shape);
    }

    private static byte[] ReadData(Stream stream, long byteCount, string? name)
    {
        if (byteCount > Array.MaxLength)
            throw new TrmDataException($"array of {byteCount} bytes is too large to hold in memory; open it with {nameof(OpenMapped)}", name, null, "shape");
        var bytes = new byte[byteCount];
        var read = 0;
        while (read < bytes.Length)
        {
            var n = stream.Read(bytes, read, bytes.Length - read);
            if (n == 0)
                throw new TrmDataException($"file is truncated: {read} of {byteCount} data bytes present", name, null, "data");
            read += n;
        }
        return bytes;
    }

    private static long DataBytes(NpyHeader header, string? file)
    {
        try
        {
            return checked(header.ElementCount * NpyDTypeInfo.SizeOf(header.DType));
        }
        catch (OverflowException)
        {
            throw new TrmDataException("shape is too large", file, null, "shape");
        }
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (FileNotFoundException e)
        {
            throw new TrmDataException("file not found", path, null, null, e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new TrmDataException("folder not found", path, null, null, e);
        }
    }
}
