using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Trm.Benchmarks;

/// <summary>
/// Runs benchmarks inside the host process (so libtrm_native.so resolves next to the assembly) with a short job:
/// the engine benchmarks measure microseconds, a few iterations are enough.
/// </summary>
public sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithId("InProcess"));
    }

    /// <summary>Applies TRM_BENCH_THREADS (if set) to libtorch's intra-op thread pool; returns the thread count in use.</summary>
    public static int ApplyThreads()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("TRM_BENCH_THREADS"), out int n) && n > 0) Trm.Torch.Engine.SetNumThreads(n);
        return Trm.Torch.Engine.NumThreads;
    }
}
