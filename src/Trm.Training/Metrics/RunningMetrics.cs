namespace Trm.Training.Metrics;

/// <summary>
/// Averages of the training metrics over the last <c>window</c> steps, weighted as the reference reduces them: losses per
/// step, accuracies and ACT steps per halted example (a single step may have no halted example at all; language models: per
/// trained token), rates over the window's time.
/// </summary>
internal sealed class RunningMetrics(int window)
{
    private static readonly string[] PerExample = ["accuracy", "exact_accuracy", "q_halt_accuracy", "steps"];
    private static readonly string[] Rates = ["examples_per_second", "tokens_per_second"];
    private readonly Queue<MetricsRecord> _records = new();

    public void Add(MetricsRecord record)
    {
        _records.Enqueue(record);
        while (_records.Count > window) _records.Dequeue();
    }

    public MetricsRecord Snapshot()
    {
        var last = _records.Last();
        var values = new Dictionary<string, double>(last.Values);
        var count = _records.Sum(r => r["count"]);
        foreach (var name in PerExample.Where(last.Values.ContainsKey))
        {
            values[name] = count == 0 ? double.NaN : _records.Sum(r => r[name] * r["count"]) / count;
        }
        foreach (var name in last.Values.Keys.Where(k => k.EndsWith("loss", StringComparison.Ordinal)))
        {
            values[name] = _records.Average(r => r[name]);
        }
        foreach (var name in Rates.Where(last.Values.ContainsKey))
        {
            values[name] = _records.Sum(r => r[name] * r["step_seconds"]) / Math.Max(_records.Sum(r => r["step_seconds"]), 1e-9);
        }
        values["count"] = count;
        return new MetricsRecord(last.Step, "train_window", values);
    }
}
