namespace Trm.Torch;

/// <summary>Helpers over <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        DType.BFloat16 or DType.Float16 => 2,
        DType.UInt8 or DType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>True for floating-point dtypes.</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float32 or DType.Float64 or DType.BFloat16 or DType.Float16;

    /// <summary>The .NET element type that matches <paramref name="dtype"/> exactly, or null (bfloat16).</summary>
    internal static Type? ClrType(this DType dtype) => dtype switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Float16 => typeof(Half),
        DType.Int64 => typeof(long),
        DType.Int32 => typeof(int),
        DType.UInt8 => typeof(byte),
        DType.Bool => typeof(bool),
        _ => null,
    };

    /// <summary>The dtype of a .NET element type.</summary>
    internal static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(byte)) return DType.UInt8;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        if (typeof(T) == typeof(Half)) return DType.Float16;
        throw new NotSupportedException($"No tensor dtype for .NET type {typeof(T).Name}.");
    }
}
