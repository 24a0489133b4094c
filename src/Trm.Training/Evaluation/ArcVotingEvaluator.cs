using System.Globalization;
using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Arc;
using Trm.Model;

namespace Trm.Training.Evaluation;

/// <summary>
/// ARC-AGI pass@k with augmentation voting over a built ARC test split (<c>trm data build-arc</c>): the model answers every
/// augmented copy, <see cref="ArcVoting"/> maps the answers back and votes. Metrics <c>pass@1</c>, <c>pass@2</c> (or the
/// k given), <c>tasks</c>. The puzzle trainer runs it at each evaluation with <c>evaluators=[arc]</c>.
/// </summary>
public sealed class ArcVotingEvaluator : IModelEvaluator
{
    private readonly PuzzleDataset _dataset;
    private readonly IReadOnlyList<string> _names;
    private readonly IReadOnlyList<int> _ks;
    private readonly int? _maxExamples;

    /// <summary>Creates the evaluator (the dataset is not owned).</summary>
    /// <param name="dataset">The ARC test split, opened in test-set mode.</param>
    /// <param name="puzzleNames">The dataset's puzzle identifiers (<see cref="PuzzleIdentifiers.Read"/>), index = id.</param>
    /// <param name="ks">The k of pass@k (default 1 and 2).</param>
    /// <param name="maxExamples">Cap on examples (augmented copies count), or null for all.</param>
    public ArcVotingEvaluator(PuzzleDataset dataset, IReadOnlyList<string> puzzleNames, IReadOnlyList<int>? ks = null, int? maxExamples = null)
    {
        _dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        _names = puzzleNames ?? throw new ArgumentNullException(nameof(puzzleNames));
        _ks = ks ?? [1, 2];
        _maxExamples = maxExamples;
        if (dataset.SeqLen != ArcEncoding.SeqLen)
            throw new ArgumentException($"ARC voting needs ARC canvases of {ArcEncoding.SeqLen} tokens; the dataset has {dataset.SeqLen}.", nameof(dataset));
    }

    /// <summary>Opens the evaluator over the first dataset folder of <paramref name="dataset"/> (its <c>identifiers.json</c>).</summary>
    /// <param name="dataset">The ARC test split.</param>
    /// <param name="maxExamples">Cap on examples, or null.</param>
    public static ArcVotingEvaluator ForDataset(PuzzleDataset dataset, int? maxExamples = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new ArcVotingEvaluator(dataset, PuzzleIdentifiers.Read(dataset.Options.DatasetPaths[0]), maxExamples: maxExamples);
    }

    /// <inheritdoc/>
    public string Name => "arc";

    /// <inheritdoc/>
    public ModelEvaluation Evaluate(TrmModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var predictions = new List<ArcPrediction>();
        foreach (var row in PuzzlePredictions.Run(model, _dataset, _maxExamples, cancellationToken))
        {
            if (row.PuzzleIdentifier <= 0 || row.PuzzleIdentifier >= _names.Count) continue; // blank (padding) rows
            var input = ArcEncoding.Decode(row.Inputs);
            if (input is null) continue;
            var labels = row.Labels.Select(l => l == PuzzleDataset.IgnoreLabel ? (int)ArcEncoding.Pad : l).ToArray();
            predictions.Add(new ArcPrediction(_names[row.PuzzleIdentifier], input, ArcEncoding.Decode(row.Predictions), ArcEncoding.Decode(labels), row.QHalt));
        }
        var result = ArcVoting.Vote(predictions, _ks);
        var metrics = new Dictionary<string, double> { ["tasks"] = result.Tasks };
        foreach (var (k, value) in result.PassAt) metrics["pass@" + k.ToString(CultureInfo.InvariantCulture)] = value;
        return new ModelEvaluation(Name, result.Tasks, metrics);
    }
}
