using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Trm.Torch.Diagnostics;

namespace Trm.Benchmarks;

/// <summary>
/// Load-independent companion of <see cref="TrmForwardBenchmarks"/>: runs the same two steps and reports the process
/// CPU time (clock_gettime(CLOCK_PROCESS_CPUTIME_ID), as Python's time.process_time) next to the wall time, so the
/// figures can be compared with the PyTorch peer on a machine shared with other work.
/// Usage: <c>dotnet run -c Release --project benchmarks/Trm.Benchmarks -- trm-cputime [runs]</c>;
/// <c>trm-opcount</c> instead prints the libtorch operators one call of each step dispatches
/// ("setup step op count inclusive-µs"; "*step" is the whole call, "*outermost" the time inside libtorch's operators).
/// </summary>
internal static partial class TrmForwardCpuTime
{
    private const int ProcessCpuTimeClock = 2; // CLOCK_PROCESS_CPUTIME_ID

    public static void Run(string[] args)
    {
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        PinThreads();
        foreach (string setup in new[] { "cpu-attn", "cpu-mlp_t" })
        {
            var bench = new TrmForwardBenchmarks { Setup = setup };
            bench.GlobalSetup();
            var noGrad = Measure(bench.RecursiveStepNoGrad, runs);
            var train = Measure(bench.TrainingStep, runs);
            bench.GlobalCleanup();
            Console.WriteLine($"{setup}: RecursiveStepNoGrad {noGrad}; TrainingStep {train}");
        }
    }

    /// <summary>
    /// The same thread counts as the peers: TRM_BENCH_THREADS, else 1 (libtorch's default on this 1-core/2-thread VM),
    /// for libtorch's intra-op pool and OpenBLAS; prints them.
    /// </summary>
    internal static void PinThreads()
    {
        int threads = int.TryParse(Environment.GetEnvironmentVariable("TRM_BENCH_THREADS"), out int n) && n > 0 ? n : 1;
        Trm.Torch.Engine.SetNumThreads(threads);
        Console.WriteLine($"Trm.Sdk: libtorch {Trm.Torch.Engine.Version}, {Trm.Torch.Engine.NumThreads} intra-op threads, " +
                          $"{OpCounter.NumInteropThreads} inter-op threads, {Trm.Torch.Engine.NumBlasThreads} OpenBLAS threads");
    }

    public static void CountOps()
    {
        foreach (string setup in new[] { "cpu-attn", "cpu-mlp_t" })
        {
            var bench = new TrmForwardBenchmarks { Setup = setup };
            bench.GlobalSetup();
            Print(setup, "RecursiveStepNoGrad", bench.RecursiveStepNoGrad);
            Print(setup, "TrainingStep", bench.TrainingStep);
            bench.GlobalCleanup();
        }
    }

    /// <summary>Prints "setup step op count inclusive-µs" for the libtorch operators one call of <paramref name="run"/> dispatches.</summary>
    internal static void Print(string setup, string step, Action run)
    {
        run(); // warm-up outside the count
        using var counter = OpCounter.Start();
        long start = Stopwatch.GetTimestamp();
        run();
        double stepUs = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        Console.WriteLine(FormattableString.Invariant($"{setup} {step} *step 1 {stepUs:F0}"));
        foreach (var (op, stats) in counter.Stop().OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(FormattableString.Invariant($"{setup} {step} {op} {stats.Count} {stats.Total.TotalMicroseconds:F0}"));
        }
    }

    /// <summary>3 warm-up calls, then <paramref name="runs"/> timed calls: minimum and median process CPU time and wall time.</summary>
    internal static string Measure(Action step, int runs)
    {
        for (int i = 0; i < 3; i++) step();
        var cpu = new double[runs];
        var wall = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            double c0 = CpuMs();
            long w0 = Stopwatch.GetTimestamp();
            step();
            wall[i] = Stopwatch.GetElapsedTime(w0).TotalMilliseconds;
            cpu[i] = CpuMs() - c0;
        }

        return FormattableString.Invariant(
            $"cpu min {cpu.Min():F1} / median {Median(cpu):F1} ms, wall min {wall.Min():F1} / median {Median(wall):F1} ms");
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /// <summary>Process CPU time in milliseconds (all threads).</summary>
    internal static double CpuMs()
    {
        if (clock_gettime(ProcessCpuTimeClock, out var ts) != 0) throw new InvalidOperationException("clock_gettime failed");
        return ts.Seconds * 1e3 + ts.Nanoseconds / 1e6;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clock, out TimeSpec time);
}
