using Trm.Data.Puzzles;
using Trm.Model;
using Trm.Torch;
using Trm.Training.Losses;

namespace Trm.Training.Evaluation;

/// <summary>Runs a model over a test split the reference's way: a fresh carry per batch, ACT steps until every row halts.</summary>
internal static class PuzzleEvaluator
{
    /// <summary>Halting probability of the <c>early_stop_*</c> metrics: Trm.Inference's <c>PuzzleSolver.DefaultHaltThreshold</c>.</summary>
    internal const double EarlyStopThreshold = 0.9;

    public static EvaluationResult Evaluate(ActLossHead head, PuzzleDataset test, Device device, long step, int? maxExamples, CancellationToken cancellationToken)
    {
        var sums = new Dictionary<string, double>();
        double haltStepSum = 0, haltExactSum = 0, earlyStepSum = 0, earlyExactSum = 0;
        // sigmoid(q) > EarlyStopThreshold  <=>  q > logit(EarlyStopThreshold)
        var earlyLogit = (float)Math.Log(EarlyStopThreshold / (1 - EarlyStopThreshold));
        long seen = 0;
        var wasTraining = head.IsTraining;
        head.Eval();
        test.Restore(PuzzleIteratorState.Start);
        try
        {
            using var noGrad = Engine.NoGrad();
            foreach (var batch in test.EnumerateBatches(cancellationToken))
            {
                if (maxExamples is { } cap && seen >= cap) break;
                seen += batch.LocalValidRows;
                using var scope = Engine.NewDisposeScope();
                using var trmBatch = PuzzleTensors.ToTrmBatch(batch, device);
                var carry = head.InitialCarry(trmBatch);
                var rows = batch.BatchSize;
                var haltStep = new int[rows];
                var haltExact = new bool[rows];
                var earlyStep = new int[rows];
                var earlyExact = new bool[rows];
                var labels = batch.Labels;
                var seqLen = batch.SeqLen;
                try
                {
                    for (var act = 1; ; act++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var result = head.Forward(carry, trmBatch);
                        carry.Dispose();
                        carry = result.Carry;
                        using (result)
                        {
                            // Where a solver would stop: the first step whose halting logit is positive (or the last step).
                            var qHalt = result.Outputs.QHaltLogits.To(DType.Float32).ToArray<float>();
                            int[]? predictions = null;
                            for (var r = 0; r < rows; r++)
                            {
                                if (haltStep[r] == 0 && (qHalt[r] > 0 || result.AllHalted))
                                {
                                    haltStep[r] = act;
                                    predictions ??= result.Outputs.Logits.ArgMax(-1).To(DType.Int32).ToArray<int>();
                                    haltExact[r] = RowExact(predictions, labels, r, seqLen);
                                }
                                if (earlyStep[r] == 0 && (qHalt[r] > earlyLogit || result.AllHalted))
                                {
                                    earlyStep[r] = act;
                                    predictions ??= result.Outputs.Logits.ArgMax(-1).To(DType.Int32).ToArray<int>();
                                    earlyExact[r] = RowExact(predictions, labels, r, seqLen);
                                }
                            }
                            if (!result.AllHalted) continue;
                            foreach (var (name, value) in PuzzleTensors.ReadScalars(result.Metrics))
                            {
                                sums[name] = sums.GetValueOrDefault(name) + value;
                            }
                            for (var r = 0; r < rows; r++)
                            {
                                if (!HasLabels(labels, r, seqLen)) continue;
                                haltStepSum += haltStep[r];
                                haltExactSum += haltExact[r] ? 1 : 0;
                                earlyStepSum += earlyStep[r];
                                earlyExactSum += earlyExact[r] ? 1 : 0;
                            }
                            break;
                        }
                    }
                }
                finally
                {
                    carry.Dispose();
                }
            }
        }
        finally
        {
            head.Train(wasTraining);
        }

        var count = sums.GetValueOrDefault("count");
        var divisor = Math.Max(count, 1);
        var values = sums.Where(kv => kv.Key != "count").ToDictionary(kv => kv.Key, kv => kv.Value / divisor);
        values["halt_step"] = haltStepSum / divisor;
        values["halt_exact_accuracy"] = haltExactSum / divisor;
        values["early_stop_step"] = earlyStepSum / divisor;
        values["early_stop_exact_accuracy"] = earlyExactSum / divisor;
        values["count"] = count;
        return new EvaluationResult(step, (long)count, values);
    }

    private static bool HasLabels(int[] labels, int row, int seqLen)
    {
        for (var i = 0; i < seqLen; i++)
        {
            if (labels[row * seqLen + i] != PuzzleDataset.IgnoreLabel) return true;
        }
        return false;
    }

    private static bool RowExact(int[] predictions, int[] labels, int row, int seqLen)
    {
        var any = false;
        for (var i = 0; i < seqLen; i++)
        {
            var label = labels[row * seqLen + i];
            if (label == PuzzleDataset.IgnoreLabel) continue;
            any = true;
            if (predictions[row * seqLen + i] != label) return false;
        }
        return any;
    }
}
