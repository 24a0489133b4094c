using Trm.Torch.Native;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Cuda;

/// <summary>CUDA queries and controls. Everything but <see cref="IsAvailable"/>/<see cref="DeviceCount"/> throws
/// <see cref="NotSupportedException"/> when the shim was built without CUDA.</summary>
public static unsafe class CudaDevice
{
    /// <summary>True when the shim was compiled with CUDA support.</summary>
    public static bool IsCompiled => trm_cuda_compiled() != 0;

    /// <summary>
    /// True when the shim has CUDA support and at least one GPU is visible. False (never an exception) when the native
    /// engine cannot be loaded at all: that failure is reported, with its cause, by the first tensor operation.
    /// </summary>
    public static bool IsAvailable => NativeLibraryResolver.TryEnsureLoaded() && IsCompiled && DeviceCount > 0;

    /// <summary>Number of visible CUDA devices (0 without CUDA).</summary>
    public static int DeviceCount => Check(trm_cuda_device_count(), "cuda.device_count");

    /// <summary>
    /// Checks that <paramref name="device"/> can be used here; a CPU device always can. A CUDA device needs a native engine
    /// built with CUDA and a visible GPU of that ordinal; otherwise the message says which is missing ("built without CUDA",
    /// no GPU visible, or too few GPUs), rather than letting the first tensor copy fail with libtorch's own error.
    /// </summary>
    /// <param name="device">The device asked for.</param>
    /// <exception cref="NotSupportedException">The device cannot be used on this build or machine.</exception>
    public static void EnsureAvailable(Device device)
    {
        if (!device.IsCuda) return;
        NativeLibraryResolver.EnsureLoaded(); // a missing engine is reported as such, not as missing CUDA
        if (!IsCompiled)
        {
            throw new NotSupportedException($"device '{device}': this Trm.Sdk was built without CUDA (its native engine trm_native has no CUDA support); use the CPU (--device cpu), or rebuild trm_native against a CUDA libtorch (docs/gpu.md)");
        }
        var count = DeviceCount;
        if (count == 0)
        {
            throw new NotSupportedException($"device '{device}': Trm.Sdk has CUDA support but no CUDA GPU is visible (check the NVIDIA driver and CUDA_VISIBLE_DEVICES)");
        }
        if (device.Index >= count)
        {
            throw new NotSupportedException($"device '{device}': only {count} CUDA GPU{(count == 1 ? " is" : "s are")} visible (cuda:0{(count > 1 ? $" to cuda:{count - 1}" : "")})");
        }
    }

    internal static void RequireCuda(string op)
    {
        NativeLibraryResolver.EnsureLoaded(); // a missing engine is reported as such, not as missing CUDA
        if (!IsCompiled) throw new NotSupportedException($"{op}: trm_native was built without CUDA (rebuild it against a CUDA libtorch, see docs/gpu.md).");
    }

    /// <summary>Waits for all work on <paramref name="device"/> to finish.</summary>
    public static void Synchronize(int device = 0)
    {
        RequireCuda("cuda.synchronize");
        Check(trm_cuda_synchronize(device), "cuda.synchronize");
    }

    /// <summary>Returns cached, unused blocks of the caching allocator to the driver.</summary>
    public static void EmptyCache()
    {
        RequireCuda("cuda.empty_cache");
        Check(trm_cuda_empty_cache(), "cuda.empty_cache");
    }

    private static long Stat(int device, MemoryStat which, string op)
    {
        RequireCuda(op);
        long v;
        Check(trm_cuda_memory_stat(device, (int)which, &v), op);
        return v;
    }

    /// <summary>Bytes currently allocated by tensors.</summary>
    public static long MemoryAllocated(int device = 0) => Stat(device, MemoryStat.Allocated, "cuda.memory_allocated");

    /// <summary>Bytes currently reserved by the caching allocator.</summary>
    public static long MemoryReserved(int device = 0) => Stat(device, MemoryStat.Reserved, "cuda.memory_reserved");

    /// <summary>Peak bytes allocated since start or <see cref="ResetPeakMemoryStats"/>.</summary>
    public static long MaxMemoryAllocated(int device = 0) => Stat(device, MemoryStat.PeakAllocated, "cuda.max_memory_allocated");

    /// <summary>Peak bytes reserved since start or <see cref="ResetPeakMemoryStats"/>.</summary>
    public static long MaxMemoryReserved(int device = 0) => Stat(device, MemoryStat.PeakReserved, "cuda.max_memory_reserved");

    /// <summary>
    /// All four allocator statistics of <paramref name="device"/> at once. Never throws for a missing GPU or a shim built
    /// without CUDA: the result then has <see cref="CudaMemoryStats.IsSupported"/> false and the reason.
    /// </summary>
    /// <param name="device">CUDA device index.</param>
    public static CudaMemoryStats MemoryStats(int device = 0)
    {
        NativeLibraryResolver.EnsureLoaded();
        if (!IsCompiled) return CudaMemoryStats.Unsupported("trm_native was built without CUDA (libtorch has no CUDA support)");
        int count = DeviceCount;
        if (device < 0 || device >= count) return CudaMemoryStats.Unsupported($"no CUDA device {device} ({count} visible)");
        return new CudaMemoryStats
        {
            IsSupported = true,
            AllocatedBytes = MemoryAllocated(device),
            ReservedBytes = MemoryReserved(device),
            PeakAllocatedBytes = MaxMemoryAllocated(device),
            PeakReservedBytes = MaxMemoryReserved(device),
        };
    }

    /// <summary>Resets the peak statistics.</summary>
    public static void ResetPeakMemoryStats(int device = 0)
    {
        RequireCuda("cuda.reset_peak_memory_stats");
        Check(trm_cuda_reset_peak(device), "cuda.reset_peak_memory_stats");
    }
}
