namespace Trm.Data.Npy;

/// <summary>Sizes, NumPy descriptors and CLR types of <see cref="NpyDType"/> values.</summary>
internal static class NpyDTypeInfo
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(NpyDType type) => type switch
    {
        NpyDType.Bool or NpyDType.Int8 or NpyDType.UInt8 => 1,
        NpyDType.Int16 or NpyDType.UInt16 => 2,
        NpyDType.Int32 or NpyDType.UInt32 or NpyDType.Float32 => 4,
        NpyDType.Int64 or NpyDType.UInt64 or NpyDType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown dtype."),
    };

    /// <summary>The descriptor NumPy writes for the type (<c>|u1</c>, <c>&lt;i4</c>, …).</summary>
    public static string Descriptor(NpyDType type) => type switch
    {
        NpyDType.Bool => "|b1",
        NpyDType.Int8 => "|i1",
        NpyDType.UInt8 => "|u1",
        NpyDType.Int16 => "<i2",
        NpyDType.UInt16 => "<u2",
        NpyDType.Int32 => "<i4",
        NpyDType.UInt32 => "<u4",
        NpyDType.Int64 => "<i8",
        NpyDType.UInt64 => "<u8",
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown dtype."),
    };

    /// <summary>Whether the type holds integers (bool counts as an integer 0/1).</summary>
    public static bool IsInteger(NpyDType type) => type is not (NpyDType.Float32 or NpyDType.Float64);

    /// <summary>Parses a NumPy descriptor such as <c>&lt;i4</c>; big-endian multi-byte types are refused.</summary>
    /// <exception cref="TrmDataException">The descriptor is unknown or big-endian.</exception>
    public static NpyDType Parse(string descr, string? file)
    {
        if (descr.Length < 2)
            throw new TrmDataException($"unsupported dtype descriptor '{descr}'", file, null, "descr");
        var order = descr[0];
        var kind = descr[1..];
        if (order is not ('<' or '>' or '|' or '='))
        {
            order = '|';
            kind = descr;
        }
        NpyDType? type = kind switch
        {
            "b1" or "?" => NpyDType.Bool,
            "i1" or "b" => NpyDType.Int8,
            "u1" or "B" => NpyDType.UInt8,
            "i2" => NpyDType.Int16,
            "u2" => NpyDType.UInt16,
            "i4" => NpyDType.Int32,
            "u4" => NpyDType.UInt32,
            "i8" => NpyDType.Int64,
            "u8" => NpyDType.UInt64,
            "f4" => NpyDType.Float32,
            "f8" => NpyDType.Float64,
            _ => null,
        };
        if (type is null)
            throw new TrmDataException($"unsupported dtype descriptor '{descr}' (supported: bool, int8/16/32/64, uint8/16/32/64, float32, float64)", file, null, "descr");
        if (order == '>' && SizeOf(type.Value) > 1)
            throw new TrmDataException($"big-endian dtype '{descr}' is not supported; convert with arr.astype(arr.dtype.newbyteorder('<')) before saving", file, null, "descr");
        if (order == '=' && !BitConverter.IsLittleEndian)
            throw new TrmDataException($"native-order dtype '{descr}' on a big-endian host is not supported", file, null, "descr");
        return type.Value;
    }

    /// <summary>The <see cref="NpyDType"/> of a CLR element type.</summary>
    public static NpyDType Of<T>() where T : unmanaged
    {
        var t = typeof(T);
        if (t == typeof(bool)) return NpyDType.Bool;
        if (t == typeof(sbyte)) return NpyDType.Int8;
        if (t == typeof(byte)) return NpyDType.UInt8;
        if (t == typeof(short)) return NpyDType.Int16;
        if (t == typeof(ushort)) return NpyDType.UInt16;
        if (t == typeof(int)) return NpyDType.Int32;
        if (t == typeof(uint)) return NpyDType.UInt32;
        if (t == typeof(long)) return NpyDType.Int64;
        if (t == typeof(ulong)) return NpyDType.UInt64;
        if (t == typeof(float)) return NpyDType.Float32;
        if (t == typeof(double)) return NpyDType.Float64;
        throw new NotSupportedException($"Element type {t.Name} has no .npy dtype.");
    }
}
