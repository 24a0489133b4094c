namespace Trm.Torch;

/// <summary>A device a tensor lives on: <c>cpu</c> or <c>cuda:N</c>.</summary>
/// <param name="Type">The device kind.</param>
/// <param name="Index">The device ordinal (0 for the CPU).</param>
public readonly record struct Device(DeviceType Type, int Index)
{
    /// <summary>The CPU.</summary>
    public static Device Cpu => new(DeviceType.Cpu, 0);

    /// <summary>The CUDA device with the given ordinal.</summary>
    public static Device Cuda(int index = 0) => new(DeviceType.Cuda, index);

    /// <summary>True for CUDA devices.</summary>
    public bool IsCuda => Type == DeviceType.Cuda;

    /// <summary>Parses "cpu", "cuda" or "cuda:N".</summary>
    /// <exception cref="FormatException">The text names no known device.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return Cpu;
        if (s == "cuda") return Cuda();
        if (s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s.AsSpan(5), out int i) && i >= 0) return Cuda(i);
        throw new FormatException($"'{text}' is not a device (expected cpu, cuda or cuda:N).");
    }

    /// <inheritdoc/>
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
