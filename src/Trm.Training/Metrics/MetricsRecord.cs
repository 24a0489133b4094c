namespace Trm.Training.Metrics;

/// <summary>One line of the metrics log: a step, the split it describes (<c>train</c> or <c>eval</c>) and named values.</summary>
/// <param name="Step">Optimizer step the values belong to.</param>
/// <param name="Split"><c>train</c>, <c>eval</c> or another split name.</param>
/// <param name="Values">Metric values by name (e.g. <c>lm_loss</c>, <c>exact_accuracy</c>, <c>lr</c>).</param>
public sealed record MetricsRecord(long Step, string Split, IReadOnlyDictionary<string, double> Values)
{
    /// <summary>The value of <paramref name="name"/>, or NaN when absent.</summary>
    /// <param name="name">Metric name.</param>
    public double this[string name] => Values.TryGetValue(name, out var v) ? v : double.NaN;
}
