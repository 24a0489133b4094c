namespace Trm.Training.Evaluation;

/// <summary>The result of an <see cref="IModelEvaluator"/>.</summary>
/// <param name="Name">The evaluator's name.</param>
/// <param name="Problems">Problems evaluated.</param>
/// <param name="Metrics">Metrics by name (<c>accuracy</c>, <c>pass@1</c>, <c>pass@2</c>…).</param>
public sealed record ModelEvaluation(string Name, int Problems, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>The metric <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The evaluation has no such metric.</exception>
    public double this[string name] => Metrics.TryGetValue(name, out var value)
        ? value
        : throw new KeyNotFoundException($"{Name} has no metric '{name}' (it has {string.Join(", ", Metrics.Keys)}).");
}
