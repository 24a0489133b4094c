namespace Trm.Torch;

/// <summary>Element types of tensors (the numeric codes are shared with the native shim).</summary>
public enum DType
{
    /// <summary>32-bit IEEE float (torch.float32).</summary>
    Float32 = 0,
    /// <summary>64-bit IEEE float (torch.float64).</summary>
    Float64 = 1,
    /// <summary>bfloat16 (torch.bfloat16); read/write raw bits as <see cref="ushort"/>.</summary>
    BFloat16 = 2,
    /// <summary>16-bit IEEE float (torch.float16), .NET <see cref="Half"/>.</summary>
    Float16 = 3,
    /// <summary>64-bit signed integer (torch.int64).</summary>
    Int64 = 4,
    /// <summary>32-bit signed integer (torch.int32).</summary>
    Int32 = 5,
    /// <summary>8-bit unsigned integer (torch.uint8).</summary>
    UInt8 = 6,
    /// <summary>Boolean, one byte per element (torch.bool).</summary>
    Bool = 7,
}
