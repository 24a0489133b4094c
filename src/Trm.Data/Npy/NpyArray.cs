using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Trm.Data.Npy;

/// <summary>
/// A C-ordered, little-endian n-dimensional array as stored in a NumPy <c>.npy</c> file, held in memory or
/// memory-mapped (read-only). Read element ranges with <see cref="CopyTo(long, Span{int})"/> (integer types are
/// converted) or take a typed copy with <see cref="ToArray{T}"/>. Dispose memory-mapped arrays to release the file.
/// Reading is thread-safe; the array is immutable.
/// </summary>
public sealed class NpyArray : IDisposable
{
    private readonly NpyStorage _storage;
    private readonly long[] _shape;

    internal NpyArray(NpyDType dtype, long[] shape, NpyStorage storage, string? file = null)
    {
        DType = dtype;
        _shape = shape;
        _storage = storage;
        File = file;
        long count = 1;
        foreach (var d in shape)
            count = checked(count * d);
        Length = count;
        var expected = checked(count * NpyDTypeInfo.SizeOf(dtype));
        if (storage.Length < expected)
            throw new TrmDataException($"file holds {storage.Length} data bytes but shape ({string.Join(", ", shape)}) of {dtype} needs {expected}", file, null, "data");
    }

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>The dimensions (empty for a 0-d scalar).</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public long Length { get; }

    /// <summary>The file the array came from, when it was read from one.</summary>
    public string? File { get; }

    /// <summary>Whether the elements are read through a memory map rather than held in memory.</summary>
    public bool IsMemoryMapped => _storage is MappedNpyStorage;

    /// <summary>Bytes per element.</summary>
    public int ElementSize => NpyDTypeInfo.SizeOf(DType);

    /// <summary>Creates an in-memory array over a copy of <paramref name="data"/> with the given shape (default: 1-d).</summary>
    /// <exception cref="ArgumentException">The shape does not match the data length.</exception>
    public static NpyArray FromArray<T>(ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        if (shape.Length == 0)
            shape = [data.Length];
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0)
                throw new ArgumentException("Dimensions must be non-negative.", nameof(shape));
            count *= d;
        }
        if (count != data.Length)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {count} elements but {data.Length} were given.", nameof(shape));
        var bytes = MemoryMarshal.AsBytes(data).ToArray();
        return new NpyArray(NpyDTypeInfo.Of<T>(), (long[])shape.Clone(), new ManagedNpyStorage(bytes));
    }

    /// <summary>Creates a 0-d (scalar) array.</summary>
    public static NpyArray Scalar<T>(T value) where T : unmanaged
    {
        ReadOnlySpan<T> one = [value];
        return new NpyArray(NpyDTypeInfo.Of<T>(), [], new ManagedNpyStorage(MemoryMarshal.AsBytes(one).ToArray()));
    }

    /// <summary>A typed copy of every element; <typeparamref name="T"/> must match <see cref="DType"/> exactly.</summary>
    /// <exception cref="InvalidOperationException">The element type differs from <see cref="DType"/>.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (NpyDTypeInfo.Of<T>() != DType)
            throw new InvalidOperationException($"Array holds {DType}, not {typeof(T).Name}.");
        var result = new T[Length];
        var dest = MemoryMarshal.AsBytes(result.AsSpan());
        CopyBytes(0, dest);
        return result;
    }

    /// <summary>All elements converted to <see cref="int"/> (integer and bool types only; values must fit).</summary>
    public int[] ToInt32Array()
    {
        var result = new int[Length];
        CopyTo(0, result);
        return result;
    }

    /// <summary>All elements converted to <see cref="long"/> (integer and bool types only; unsigned 64-bit values must fit).</summary>
    public long[] ToInt64Array()
    {
        var result = new long[Length];
        for (long i = 0; i < Length; i++)
            result[i] = GetInt64(i);
        return result;
    }

    /// <summary>The element at flat (C-order) index <paramref name="index"/> as a 64-bit integer.</summary>
    /// <exception cref="InvalidOperationException">The array holds floating-point values.</exception>
    public long GetInt64(long index)
    {
        if ((ulong)index >= (ulong)Length)
            throw new ArgumentOutOfRangeException(nameof(index));
        var b = _storage.Slice(index * ElementSize, ElementSize);
        return DType switch
        {
            NpyDType.Bool or NpyDType.UInt8 => b[0],
            NpyDType.Int8 => (sbyte)b[0],
            NpyDType.Int16 => MemoryMarshal.Read<short>(b),
            NpyDType.UInt16 => MemoryMarshal.Read<ushort>(b),
            NpyDType.Int32 => MemoryMarshal.Read<int>(b),
            NpyDType.UInt32 => MemoryMarshal.Read<uint>(b),
            NpyDType.Int64 => MemoryMarshal.Read<long>(b),
            NpyDType.UInt64 => checked((long)MemoryMarshal.Read<ulong>(b)),
            _ => throw new InvalidOperationException($"Array holds {DType}, not integers."),
        };
    }

    /// <summary>The element at flat index <paramref name="index"/> as a <see cref="double"/> (any dtype).</summary>
    public double GetDouble(long index) => DType switch
    {
        NpyDType.Float32 => MemoryMarshal.Read<float>(_storage.Slice(index * 4, 4)),
        NpyDType.Float64 => MemoryMarshal.Read<double>(_storage.Slice(index * 8, 8)),
        _ => GetInt64(index),
    };

    /// <summary>
    /// Converts elements <c>[start, start + destination.Length)</c> (flat, C order) to <see cref="int"/> into
    /// <paramref name="destination"/>. Works for every integer dtype and bool.
    /// </summary>
    /// <exception cref="InvalidOperationException">The array holds floating-point values, or a value does not fit an int.</exception>
    public void CopyTo(long start, Span<int> destination)
    {
        if (start < 0 || start + destination.Length > Length)
            throw new ArgumentOutOfRangeException(nameof(start));
        if (destination.IsEmpty)
            return;
        var src = _storage.Slice(start * ElementSize, destination.Length * ElementSize);
        switch (DType)
        {
            case NpyDType.Bool:
            case NpyDType.UInt8:
                WidenBytes(src, destination);
                break;
            case NpyDType.Int8:
                var s8 = MemoryMarshal.Cast<byte, sbyte>(src);
                for (var i = 0; i < destination.Length; i++) destination[i] = s8[i];
                break;
            case NpyDType.Int16:
                var s16 = MemoryMarshal.Cast<byte, short>(src);
                for (var i = 0; i < destination.Length; i++) destination[i] = s16[i];
                break;
            case NpyDType.UInt16:
                var u16 = MemoryMarshal.Cast<byte, ushort>(src);
                for (var i = 0; i < destination.Length; i++) destination[i] = u16[i];
                break;
            case NpyDType.Int32:
                MemoryMarshal.Cast<byte, int>(src).CopyTo(destination);
                break;
            case NpyDType.UInt32:
                var u32 = MemoryMarshal.Cast<byte, uint>(src);
                for (var i = 0; i < destination.Length; i++) destination[i] = checked((int)u32[i]);
                break;
            case NpyDType.Int64:
                var s64 = MemoryMarshal.Cast<byte, long>(src);
                for (var i = 0; i < destination.Length; i++) destination[i] = checked((int)s64[i]);
                break;
            case NpyDType.UInt64:
                var u64 = MemoryMarshal.Cast<byte, ulong>(src);
                for (var i = 0; i < destination.Length; i++) destination[i] = checked((int)u64[i]);
                break;
            default:
                throw new InvalidOperationException($"Array holds {DType}, not integers.");
        }
    }

    private static void WidenBytes(ReadOnlySpan<byte> source, Span<int> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= destination.Length; i += 32)
            {
                var bytes = Vector256.Create(source.Slice(i, 32));
                var (low, high) = Vector256.Widen(bytes);
                var (a, b) = Vector256.Widen(low);
                var (c, d) = Vector256.Widen(high);
                a.AsInt32().CopyTo(destination.Slice(i, 8));
                b.AsInt32().CopyTo(destination.Slice(i + 8, 8));
                c.AsInt32().CopyTo(destination.Slice(i + 16, 8));
                d.AsInt32().CopyTo(destination.Slice(i + 24, 8));
            }
        }
        for (; i < destination.Length; i++)
            destination[i] = source[i];
    }

    /// <summary>Copies raw element bytes starting at element <paramref name="start"/> into <paramref name="destination"/>.</summary>
    public void CopyBytes(long start, Span<byte> destination)
    {
        const int chunk = 1 << 30;
        var offset = start * ElementSize;
        while (!destination.IsEmpty)
        {
            var n = Math.Min(chunk, destination.Length);
            _storage.Slice(offset, n).CopyTo(destination[..n]);
            destination = destination[n..];
            offset += n;
        }
    }

    /// <summary>The smallest and largest value among the elements (integer types); (0, -1) for an empty array.</summary>
    public (long Min, long Max) IntegerRange()
    {
        if (Length == 0)
            return (0, -1);
        long min = long.MaxValue, max = long.MinValue;
        const int chunk = 1 << 16;
        var buffer = new int[chunk];
        if (DType is NpyDType.Int64 or NpyDType.UInt64 or NpyDType.UInt32)
        {
            for (long i = 0; i < Length; i++)
            {
                var v = GetInt64(i);
                if (v < min) min = v;
                if (v > max) max = v;
            }
            return (min, max);
        }
        for (long start = 0; start < Length; start += chunk)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(chunk, Length - start));
            CopyTo(start, span);
            foreach (var v in span)
            {
                if (v < min) min = v;
                if (v > max) max = v;
            }
        }
        return (min, max);
    }

    /// <inheritdoc />
    public void Dispose() => _storage.Dispose();
}
