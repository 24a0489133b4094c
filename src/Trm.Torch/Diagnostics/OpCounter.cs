using System.Globalization;
using System.Runtime.InteropServices;
using static Trm.Torch.Native.NativeMethods;

namespace Trm.Torch.Diagnostics;

/// <summary>
/// Counts and times the libtorch operators dispatched while it is alive (ATen ops, nested ones included, and autograd
/// backward functions), by name, through a RecordFunction callback in the shim. Used to compare one model step with PyTorch's
/// profiler op by op, independently of machine load. One counter at a time per process.
/// </summary>
internal sealed class OpCounter : IDisposable
{
    private Dictionary<string, OpStats>? _counts;

    private OpCounter()
    {
    }

    /// <summary>Starts counting.</summary>
    public static OpCounter Start()
    {
        Check(trm_op_count_start(), "op_count_start");
        return new OpCounter();
    }

    /// <summary>Key of the entry that sums the outermost operators.</summary>
    public const string Outermost = "*outermost";

    /// <summary>libtorch's inter-op thread count.</summary>
    public static int NumInteropThreads => Check(trm_get_num_interop_threads(), "get_num_interop_threads");

    /// <summary>
    /// Stops counting (once) and returns the statistics by operator name, e.g. <c>aten::mm</c> or <c>MmBackward0</c>;
    /// the entry <see cref="Outermost"/> sums the operators not nested in another, i.e. the time spent inside libtorch.
    /// </summary>
    public IReadOnlyDictionary<string, OpStats> Stop()
    {
        if (_counts is not null) return _counts;
        string report = Marshal.PtrToStringUTF8(Check(trm_op_count_stop(), "op_count_stop")) ?? "";
        var counts = new Dictionary<string, OpStats>(StringComparer.Ordinal);
        foreach (string line in report.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split('\t');
            long count = long.Parse(fields[^2], CultureInfo.InvariantCulture);
            long nanoseconds = long.Parse(fields[^1], CultureInfo.InvariantCulture);
            counts[string.Join('\t', fields[..^2])] = new OpStats(count, TimeSpan.FromTicks(nanoseconds / 100));
        }

        _counts = counts;
        return counts;
    }

    /// <summary>Stops counting if <see cref="Stop"/> was not called.</summary>
    public void Dispose() => Stop();
}

/// <summary>How often an operator ran and its total inclusive wall time (nested operators included).</summary>
internal readonly record struct OpStats(long Count, TimeSpan Total);
