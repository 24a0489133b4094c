using Trm.Data.Puzzles;
using Trm.Model;
using Trm.Torch;

namespace Trm.Training.Evaluation;

/// <summary>One evaluated row: what the model was given, what it answered after all ACT steps, and how sure it was.</summary>
/// <param name="PuzzleIdentifier">The puzzle identifier id.</param>
/// <param name="Inputs">Input tokens.</param>
/// <param name="Labels">Label tokens (<see cref="PuzzleDataset.IgnoreLabel"/> where unlabelled).</param>
/// <param name="Predictions">Argmax tokens at the last ACT step.</param>
/// <param name="QHalt">The halting logit at the last step.</param>
internal sealed record PuzzleRow(int PuzzleIdentifier, int[] Inputs, int[] Labels, int[] Predictions, float QHalt)
{
    /// <summary>Whether the row has a label and every labelled token is predicted.</summary>
    public bool HasLabels => Labels.Any(l => l != PuzzleDataset.IgnoreLabel);

    /// <summary>Whether every labelled token is predicted right.</summary>
    public bool Exact => HasLabels && Labels.Select((l, i) => l == PuzzleDataset.IgnoreLabel || l == Predictions[i]).All(x => x);
}

/// <summary>Runs a puzzle model over a dataset split: a fresh carry per batch, all <see cref="TrmConfig.EffectiveEvalHaltMaxSteps"/> steps (evaluation mode).</summary>
internal static class PuzzlePredictions
{
    public static IEnumerable<PuzzleRow> Run(TrmModel model, PuzzleDataset dataset, int? maxExamples, CancellationToken cancellationToken)
    {
        var wasTraining = model.IsTraining;
        model.Eval();
        dataset.Restore(PuzzleIteratorState.Start);
        var seen = 0L;
        try
        {
            foreach (var batch in dataset.EnumerateBatches(cancellationToken))
            {
                if (maxExamples is { } cap && seen >= cap) yield break;
                foreach (var row in RunBatch(model, batch, cancellationToken))
                {
                    if (maxExamples is { } limit && seen >= limit) yield break;
                    seen++;
                    yield return row;
                }
            }
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    private static List<PuzzleRow> RunBatch(TrmModel model, PuzzleBatch batch, CancellationToken cancellationToken)
    {
        using var noGrad = Engine.NoGrad();
        using var scope = Engine.NewDisposeScope();
        using var trmBatch = PuzzleTensors.ToTrmBatch(batch, model.Device);
        var carry = model.InitialCarry(trmBatch);
        try
        {
            for (var step = 1; ; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (next, outputs) = model.Forward(carry, trmBatch);
                carry.Dispose();
                carry = next;
                using (outputs)
                {
                    if (step < model.Config.EffectiveEvalHaltMaxSteps && !carry.Halted.All().Item<bool>()) continue;
                    var predictions = outputs.Logits.ArgMax(-1).To(DType.Int32).To(Device.Cpu).ToArray<int>();
                    var qHalt = outputs.QHaltLogits.To(DType.Float32).To(Device.Cpu).ToArray<float>();
                    var rows = new List<PuzzleRow>(batch.LocalValidRows);
                    var seqLen = batch.SeqLen;
                    for (var r = 0; r < batch.LocalValidRows; r++)
                    {
                        rows.Add(new PuzzleRow(batch.PuzzleIdentifiers[r], batch.Inputs[(r * seqLen)..((r + 1) * seqLen)],
                            batch.Labels[(r * seqLen)..((r + 1) * seqLen)], predictions[(r * seqLen)..((r + 1) * seqLen)], qHalt[r]));
                    }
                    return rows;
                }
            }
        }
        finally
        {
            carry.Dispose();
        }
    }
}
