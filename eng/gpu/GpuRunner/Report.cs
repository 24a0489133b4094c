using System.Text.Json.Serialization;

namespace GpuRunner;

/// <summary>One timed workload (microseconds per call, median of rounds).</summary>
internal sealed record Timing(string Name, double MedianUs, double MeanUs);

[JsonSerializable(typeof(Timing))]
internal sealed partial class ReportJson : JsonSerializerContext;

/// <summary>Collects info lines, check results and timings; prints them as one table.</summary>
internal sealed class Report
{
    private readonly List<(string Name, string Value)> _info = new();
    private readonly List<(string Name, bool Ok, string Detail)> _checks = new();

    public List<Timing> Timings { get; } = new();

    public int Failed => _checks.Count(c => !c.Ok);

    public void Info(string name, string value) => _info.Add((name, value));

    public void Check(string name, Action body)
    {
        try
        {
            body();
            _checks.Add((name, true, ""));
        }
        catch (Exception e)
        {
            _checks.Add((name, false, e.GetType().Name + ": " + e.Message.Split('\n')[0]));
        }
    }

    public void Print()
    {
        Console.WriteLine("| item | result |");
        Console.WriteLine("| --- | --- |");
        foreach (var (n, v) in _info) Console.WriteLine($"| {n} | {v} |");
        foreach (var (n, ok, d) in _checks) Console.WriteLine($"| check: {n} | {(ok ? "PASS" : "FAIL " + d)} |");
        foreach (var t in Timings) Console.WriteLine($"| time: {t.Name} | {t.MedianUs:F1} us (mean {t.MeanUs:F1}) |");
        Console.WriteLine($"{_checks.Count - Failed} checks passed, {Failed} failed");
    }
}
