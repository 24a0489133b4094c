using Trm.Data.Puzzles;
using Trm.Model;
using Trm.Training.Configuration;

namespace Trm.Training.Evaluation;

/// <summary>The evaluators a training configuration names in <c>evaluators=[…]</c>, run after the split's own metrics.</summary>
internal static class ExtraEvaluators
{
    /// <summary>The names <c>evaluators</c> accepts (<c>arc@ARC</c> is the reference's spelling of <c>arc</c>).</summary>
    public static IReadOnlyList<string> Known { get; } = ["arc", "arc@ARC"];

    /// <summary>
    /// <paramref name="values"/> plus every configured evaluator's metrics, named <c>&lt;evaluator&gt;/&lt;metric&gt;</c>
    /// (e.g. <c>arc/pass@2</c>); the same dictionary when none is configured.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Run(TrainConfig config, TrmModel model, PuzzleDataset test, IReadOnlyDictionary<string, double> values,
        CancellationToken cancellationToken)
    {
        if (config.Evaluators.Count == 0) return values;
        var merged = new Dictionary<string, double>(values);
        foreach (var name in config.Evaluators)
        {
            IModelEvaluator evaluator = name.ToLowerInvariant() switch
            {
                "arc" or "arc@arc" => ArcVotingEvaluator.ForDataset(test, config.EvalMaxExamples),
                _ => throw new InvalidOperationException($"unknown evaluator '{name}'"),
            };
            foreach (var (metric, value) in evaluator.Evaluate(model, cancellationToken).Metrics)
                merged[$"{evaluator.Name}/{metric}"] = value;
        }
        return merged;
    }
}
