using System.IO.MemoryMappedFiles;

namespace Trm.Data.Npy;

/// <summary>The bytes behind an <see cref="NpyArray"/>: a managed buffer or a read-only memory-mapped view.</summary>
internal abstract class NpyStorage : IDisposable
{
    /// <summary>Total bytes of element data.</summary>
    public abstract long Length { get; }

    /// <summary>A view of <paramref name="length"/> bytes starting at <paramref name="offset"/>.</summary>
    public abstract ReadOnlySpan<byte> Slice(long offset, int length);

    /// <inheritdoc />
    public virtual void Dispose()
    {
    }
}

/// <summary>Element data held in a managed array.</summary>
internal sealed class ManagedNpyStorage(byte[] bytes) : NpyStorage
{
    public byte[] Bytes { get; } = bytes;

    public override long Length => Bytes.LongLength;

    public override ReadOnlySpan<byte> Slice(long offset, int length) => Bytes.AsSpan(checked((int)offset), length);
}

/// <summary>Element data read through a read-only memory map of the file.</summary>
internal sealed unsafe class MappedNpyStorage : NpyStorage
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data;
    private readonly long _length;
    private int _disposed;

    public MappedNpyStorage(string path, long dataOffset, long length)
    {
        _length = length;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* basePtr = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
            _data = basePtr + _view.PointerOffset + dataOffset;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    public override long Length => _length;

    public override ReadOnlySpan<byte> Slice(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (offset < 0 || length < 0 || offset + length > _length)
            throw new ArgumentOutOfRangeException(nameof(offset));
        return new ReadOnlySpan<byte>(_data + offset, length);
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
