namespace Trm.Data.Npy;

/// <summary>The element types an <c>.npy</c> file may hold here (all little-endian, or single-byte).</summary>
public enum NpyDType
{
    /// <summary>NumPy <c>bool</c> (<c>|b1</c>), one byte per element, 0 or 1.</summary>
    Bool,
    /// <summary>NumPy <c>int8</c> (<c>|i1</c>).</summary>
    Int8,
    /// <summary>NumPy <c>uint8</c> (<c>|u1</c>).</summary>
    UInt8,
    /// <summary>NumPy <c>int16</c> (<c>&lt;i2</c>).</summary>
    Int16,
    /// <summary>NumPy <c>uint16</c> (<c>&lt;u2</c>).</summary>
    UInt16,
    /// <summary>NumPy <c>int32</c> (<c>&lt;i4</c>).</summary>
    Int32,
    /// <summary>NumPy <c>uint32</c> (<c>&lt;u4</c>).</summary>
    UInt32,
    /// <summary>NumPy <c>int64</c> (<c>&lt;i8</c>).</summary>
    Int64,
    /// <summary>NumPy <c>uint64</c> (<c>&lt;u8</c>).</summary>
    UInt64,
    /// <summary>NumPy <c>float32</c> (<c>&lt;f4</c>).</summary>
    Float32,
    /// <summary>NumPy <c>float64</c> (<c>&lt;f8</c>).</summary>
    Float64,
}
