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

/// <summary>One line of context (versions, devices).</summary>
internal sealed record InfoLine(string Info, string Value);

[JsonSerializable(typeof(Timing))]
[JsonSerializable(typeof(InfoLine))]
[JsonSerializable(typeof(CheckResult))]
internal sealed partial class ReportJson : JsonSerializerContext;

/// <summary>Thrown by a check body that cannot run here (e.g. a CUDA-only check in the CPU dry run).</summary>
internal sealed class SkipException(string reason) : Exception(reason);

/// <summary>
/// Collects info lines, check results and timings; prints them as one table at the end. Each check and timing is also
/// appended to the JSON-lines file at once (and echoed to stderr), so that a crash or a timeout keeps what was measured.
/// </summary>
internal sealed class Report(string? jsonPath)
{
    private readonly List<(string Name, string Value)> _info = new();

    public List<CheckResult> Checks { get; } = new();

    public List<Timing> Timings { get; } = new();

    public void Add(Timing t)
    {
        Timings.Add(t);
        Append(System.Text.Json.JsonSerializer.Serialize(t, ReportJson.Default.Timing), $"time {t.Name}: {t.MedianUs:F1} us");
    }

    private void AddCheck(CheckResult c)
    {
        Checks.Add(c);
        Append(System.Text.Json.JsonSerializer.Serialize(c, ReportJson.Default.CheckResult), $"check {c.Name}: {c.Status} {c.Detail}");
    }

    private void Append(string json, string progress)
    {
        Console.Error.WriteLine(progress);
        if (jsonPath is not null) File.AppendAllLines(jsonPath, [json]);
    }

    public int Failed => Checks.Count(c => c.Status == "FAIL");

    public void Info(string name, string value)
    {
        _info.Add((name, value));
        Append(System.Text.Json.JsonSerializer.Serialize(new InfoLine(name, value), ReportJson.Default.InfoLine), $"{name}: {value}");
    }

    public void Check(string name, Action body)
    {
        AddCheck(Run(name, body, out _));
    }

    private static CheckResult Run(string name, Action body, out bool passed)
    {
        passed = false;
        try
        {
            body();
            passed = true;
            return new CheckResult(name, "PASS", "");
        }
        catch (SkipException e)
        {
            return new CheckResult(name, "SKIP", e.Message);
        }
        catch (Exception e)
        {
            return new CheckResult(name, "FAIL", e.GetType().Name + ": " + e.Message.Split('\n')[0]);
        }
    }

    /// <summary>A check whose body returns its measured detail (e.g. the errors against a tolerance) on success.</summary>
    public void Check(string name, Func<string> body)
    {
        string detail = "";
        var result = Run(name, () => { detail = body(); }, out bool passed);
        AddCheck(passed ? result with { Detail = detail } : result);
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

    private static string Gib(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
}
