using System.Text.Json.Serialization;

namespace GpuRunner;

/// <summary>One timed workload (microseconds per call, median of rounds), with the CUDA allocator's peaks over it when on a GPU.</summary>
internal sealed record Timing(string Name, double MedianUs, double MeanUs)
{
    /// <summary>Peak bytes allocated by tensors during the workload (null on the CPU).</summary>
    public long? PeakAllocatedBytes { get; init; }

    /// <summary>Peak bytes reserved by the caching allocator during the workload (null on the CPU).</summary>
    public long? PeakReservedBytes { get; init; }
}

/// <summary>One check: PASS, FAIL (with the error) or SKIP (with the reason, e.g. no CUDA in a dry run).</summary>
internal sealed record CheckResult(string Name, string Status, string Detail);

[JsonSerializable(typeof(Timing))]
[JsonSerializable(typeof(CheckResult))]
internal sealed partial class ReportJson : JsonSerializerContext;

/// <summary>Thrown by a check body that cannot run here (e.g. a CUDA-only check in the CPU dry run).</summary>
internal sealed class SkipException(string reason) : Exception(reason);

/// <summary>Collects info lines, check results and timings; prints them as one table.</summary>
internal sealed class Report
{
    private readonly List<(string Name, string Value)> _info = new();

    public List<CheckResult> Checks { get; } = new();

    public List<Timing> Timings { get; } = new();

    public int Failed => Checks.Count(c => c.Status == "FAIL");

    public void Info(string name, string value) => _info.Add((name, value));

    public void Check(string name, Action body)
    {
        try
        {
            body();
            Checks.Add(new CheckResult(name, "PASS", ""));
        }
        catch (SkipException e)
        {
            Checks.Add(new CheckResult(name, "SKIP", e.Message));
        }
        catch (Exception e)
        {
            Checks.Add(new CheckResult(name, "FAIL", e.GetType().Name + ": " + e.Message.Split('\n')[0]));
        }
    }

    /// <summary>A check whose body returns its measured detail (e.g. the errors against a tolerance) on success.</summary>
    public void Check(string name, Func<string> body)
    {
        string detail = "";
        Check(name, () => { detail = body(); });
        if (Checks[^1].Status == "PASS") Checks[^1] = Checks[^1] with { Detail = detail };
    }

    public void Print()
    {
        Console.WriteLine("| item | result |");
        Console.WriteLine("| --- | --- |");
        foreach (var (n, v) in _info) Console.WriteLine($"| {n} | {v} |");
        foreach (var c in Checks) Console.WriteLine($"| check: {c.Name} | {c.Status}{(c.Detail.Length > 0 ? " " + c.Detail : "")} |");
        foreach (var t in Timings)
        {
            string mem = t.PeakAllocatedBytes is { } a ? $"; peak allocated {Gib(a)} GiB, reserved {Gib(t.PeakReservedBytes ?? 0)} GiB" : "";
            Console.WriteLine($"| time: {t.Name} | {t.MedianUs:F1} us (mean {t.MeanUs:F1}){mem} |");
        }
        Console.WriteLine($"{Checks.Count(c => c.Status == "PASS")} checks passed, {Failed} failed, {Checks.Count(c => c.Status == "SKIP")} skipped");
    }

    /// <summary>Writes timings and checks as JSON lines (the input of eng/gpu/report.py).</summary>
    public void WriteJson(string path) => File.WriteAllLines(path,
        Timings.Select(t => System.Text.Json.JsonSerializer.Serialize(t, ReportJson.Default.Timing))
            .Concat(Checks.Select(c => System.Text.Json.JsonSerializer.Serialize(c, ReportJson.Default.CheckResult))));

    private static string Gib(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
}
