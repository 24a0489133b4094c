namespace Trm.Torch.Cuda;

/// <summary>
/// A snapshot of the CUDA caching allocator's statistics for one device (the essentials of <c>torch.cuda.memory_stats</c>),
/// from <see cref="CudaDevice.MemoryStats"/>. Where CUDA is not usable, <see cref="IsSupported"/> is false, the byte counts are
/// 0 and <see cref="UnsupportedReason"/> says why.
/// </summary>
public sealed record CudaMemoryStats
{
    /// <summary>True when the numbers come from a CUDA device.</summary>
    public bool IsSupported { get; init; }

    /// <summary>Why there are no statistics (null when <see cref="IsSupported"/>).</summary>
    public string? UnsupportedReason { get; init; }

    /// <summary>Bytes currently allocated by tensors.</summary>
    public long AllocatedBytes { get; init; }

    /// <summary>Bytes currently reserved by the caching allocator (allocated plus cached).</summary>
    public long ReservedBytes { get; init; }

    /// <summary>Peak of <see cref="AllocatedBytes"/> since the start or the last <see cref="CudaDevice.ResetPeakMemoryStats"/>.</summary>
    public long PeakAllocatedBytes { get; init; }

    /// <summary>Peak of <see cref="ReservedBytes"/> since the start or the last <see cref="CudaDevice.ResetPeakMemoryStats"/>.</summary>
    public long PeakReservedBytes { get; init; }

    /// <summary>The statistics of a machine or build without CUDA.</summary>
    /// <param name="reason">Why CUDA is not usable.</param>
    public static CudaMemoryStats Unsupported(string reason) => new() { IsSupported = false, UnsupportedReason = reason };

    /// <inheritdoc/>
    public override string ToString() => IsSupported
        ? $"allocated {Mib(AllocatedBytes)} MiB, reserved {Mib(ReservedBytes)} MiB, peak allocated {Mib(PeakAllocatedBytes)} MiB, peak reserved {Mib(PeakReservedBytes)} MiB"
        : $"CUDA memory statistics unavailable: {UnsupportedReason}";

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
}
