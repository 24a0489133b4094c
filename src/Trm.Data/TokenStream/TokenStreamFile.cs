using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

using Trm.Core.IO;

namespace Trm.Data.TokenStream;

/// <summary>
/// A read-only, memory-mapped <c>.bin</c> token stream (flat little-endian uint16 or uint32 ids). Reads are thread-safe.
/// </summary>
public sealed unsafe class TokenStreamFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly int _width;

    /// <summary>Maps <paramref name="path"/>.</summary>
    /// <exception cref="TrmDataException">The file is missing or its size is not a multiple of the token width.</exception>
    public TokenStreamFile(string path, TokenDtype dtype)
    {
        Path = path;
        Dtype = dtype;
        _width = dtype.Size();
        if (!File.Exists(path))
            throw new TrmDataException("file not found", path, null, null);
        var bytes = new FileInfo(path).Length;
        if (bytes % _width != 0)
            throw new TrmDataException($"size {bytes} is not a multiple of {_width} bytes ({dtype.Name()})", path, null, null);
        Length = bytes / _width;
        if (bytes == 0)
            return;
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
    }

    /// <summary>The mapped file.</summary>
    public string Path { get; }

    /// <summary>The element type.</summary>
    public TokenDtype Dtype { get; }

    /// <summary>Number of tokens.</summary>
    public long Length { get; }

    /// <summary>The token at <paramref name="index"/>.</summary>
    public int this[long index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
            var p = _base + index * _width;
            return _width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(new ReadOnlySpan<byte>(p, 2)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(p, 4));
        }
    }

    /// <summary>Copies <paramref name="destination"/>.Length tokens starting at <paramref name="offset"/>.</summary>
    public void CopyTo(long offset, Span<int> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset + destination.Length > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"tokens {offset}..{offset + destination.Length} exceed the stream's {Length}");
        var p = _base + offset * _width;
        if (_width == 2)
        {
            var source = new ReadOnlySpan<ushort>(p, destination.Length);
            for (var i = 0; i < source.Length; i++)
                destination[i] = BitConverter.IsLittleEndian ? source[i] : BinaryPrimitives.ReverseEndianness(source[i]);
        }
        else
        {
            var source = new ReadOnlySpan<uint>(p, destination.Length);
            for (var i = 0; i < source.Length; i++)
                destination[i] = (int)(BitConverter.IsLittleEndian ? source[i] : BinaryPrimitives.ReverseEndianness(source[i]));
        }
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }

    /// <summary>Writes <paramref name="tokens"/> as a flat little-endian stream of <paramref name="dtype"/> to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="TrmDataException">A token does not fit <paramref name="dtype"/>.</exception>
    public static void Write(string path, ReadOnlySpan<int> tokens, TokenDtype dtype)
    {
        var width = dtype.Size();
        var bytes = new byte[(long)tokens.Length * width];
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token < 0 || (width == 2 && token > ushort.MaxValue))
                throw new TrmDataException($"token id {token} at position {i} does not fit {dtype.Name()}", path, null, null);
            if (width == 2)
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)token);
            else
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)token);
        }
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes the token chunks in order as a flat little-endian stream of <paramref name="dtype"/>, atomically; returns the token count.</summary>
    /// <exception cref="TrmDataException">A token does not fit <paramref name="dtype"/>.</exception>
    internal static long WriteChunks(string path, IEnumerable<int[]> chunks, TokenDtype dtype)
    {
        var width = dtype.Size();
        long count = 0;
        AtomicFile.Write(path, stream =>
        {
            var bytes = new byte[1 << 16];
            foreach (var chunk in chunks)
            {
                for (var start = 0; start < chunk.Length;)
                {
                    var n = Math.Min(chunk.Length - start, bytes.Length / width);
                    for (var i = 0; i < n; i++)
                    {
                        var token = chunk[start + i];
                        if (token < 0 || (width == 2 && token > ushort.MaxValue))
                            throw new TrmDataException($"token id {token} at position {count + start + i} does not fit {dtype.Name()}", path, null, null);
                        if (width == 2)
                            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)token);
                        else
                            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)token);
                    }
                    stream.Write(bytes, 0, n * width);
                    start += n;
                }
                count += chunk.Length;
            }
        });
        return count;
    }
}
