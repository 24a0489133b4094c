using Trm.Data.Puzzles;
using Trm.Model;

namespace Trm.Training.Evaluation;

/// <summary>
/// Puzzle exact accuracy: the fraction of labelled examples of a dataset split whose every labelled token the model
/// predicts after all its ACT steps (metrics <c>exact_accuracy</c> and <c>token_accuracy</c>).
/// </summary>
public sealed class PuzzleExactEvaluator : IModelEvaluator
{
    private readonly PuzzleDataset _dataset;
    private readonly int? _maxExamples;

    /// <summary>Creates the evaluator (the dataset is not owned).</summary>
    /// <param name="dataset">A split opened in test-set mode.</param>
    /// <param name="maxExamples">Cap on examples, or null for all.</param>
    /// <param name="name">The evaluator's name (default <c>puzzle</c>).</param>
    public PuzzleExactEvaluator(PuzzleDataset dataset, int? maxExamples = null, string name = "puzzle")
    {
        _dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        _maxExamples = maxExamples;
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public ModelEvaluation Evaluate(TrmModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        int examples = 0, exact = 0;
        long tokens = 0, right = 0;
        foreach (var row in PuzzlePredictions.Run(model, _dataset, _maxExamples, cancellationToken))
        {
            if (!row.HasLabels) continue;
            examples++;
            exact += row.Exact ? 1 : 0;
            for (var i = 0; i < row.Labels.Length; i++)
            {
                if (row.Labels[i] == PuzzleDataset.IgnoreLabel) continue;
                tokens++;
                right += row.Labels[i] == row.Predictions[i] ? 1 : 0;
            }
        }
        return new ModelEvaluation(Name, examples, new Dictionary<string, double>
        {
            ["exact_accuracy"] = examples == 0 ? 0 : (double)exact / examples,
            ["token_accuracy"] = tokens == 0 ? 0 : (double)right / tokens,
        });
    }
}
