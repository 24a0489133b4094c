using System.Text.Json.Nodes;
using Trm.Data.Puzzles;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Model.Configuration;
using Trm.Torch;
using Trm.Training.Checkpoints;
using Trm.Training.Configuration;
using Trm.Training.Losses;

namespace Trm.Training.Evaluation;

/// <summary>Evaluates a saved checkpoint on a dataset's test split (what <c>trm eval</c> runs).</summary>
public static class CheckpointEvaluation
{
    /// <summary>
    /// Loads <c>model.safetensors</c> of <paramref name="checkpoint"/> (verified against its manifest; EMA weights when the
    /// run used EMA) and evaluates it on the <c>test</c> split of <paramref name="dataPaths"/>.
    /// </summary>
    /// <param name="checkpoint">A <c>step_N</c> folder.</param>
    /// <param name="dataPaths">Dataset folders whose <c>test/</c> split is evaluated.</param>
    /// <param name="batchSize">Examples per forward batch.</param>
    /// <param name="device">Device (default CPU).</param>
    /// <param name="maxExamples">Evaluate at most this many examples.</param>
    /// <param name="cancellationToken">Stops between ACT steps.</param>
    /// <exception cref="TrmCheckpointException">The checkpoint is corrupted or does not fit the data.</exception>
    public static EvaluationResult Evaluate(string checkpoint, IReadOnlyList<string> dataPaths, int batchSize, Device? device, int? maxExamples, CancellationToken cancellationToken) =>
        Evaluate(checkpoint, dataPaths, batchSize, device, maxExamples, actSteps: null, cancellationToken);

    /// <summary>
    /// Evaluates as <see cref="Evaluate(string, IReadOnlyList{string}, int, Device?, int?, CancellationToken)"/> does, running
    /// <paramref name="actSteps"/> ACT steps per example instead of the checkpoint's <see cref="TrmConfig.EffectiveEvalHaltMaxSteps"/>.
    /// </summary>
    /// <param name="checkpoint">A <c>step_N</c> folder.</param>
    /// <param name="dataPaths">Dataset folders whose <c>test/</c> split is evaluated.</param>
    /// <param name="batchSize">Examples per forward batch.</param>
    /// <param name="device">Device (default CPU).</param>
    /// <param name="maxExamples">Evaluate at most this many examples.</param>
    /// <param name="actSteps">ACT steps per example; <see langword="null"/> keeps the checkpoint's.</param>
    /// <param name="cancellationToken">Stops between ACT steps.</param>
    /// <exception cref="TrmCheckpointException">The checkpoint is corrupted or does not fit the data.</exception>
    /// <exception cref="TrmConfigException"><paramref name="actSteps"/> is not positive or too large.</exception>
    public static EvaluationResult Evaluate(string checkpoint, IReadOnlyList<string> dataPaths, int batchSize = 256, Device? device = null, int? maxExamples = null, int? actSteps = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(dataPaths);
        var target = device ?? Device.Cpu;
        var opened = TrmCheckpoint.Open(checkpoint);
        var config = opened.Config;
        var lossKind = ReadLossKind(opened.FilePath(TrainingCheckpoint.TrainerFile));

        using var test = PuzzleDataset.Open(new PuzzleDatasetOptions
        {
            DatasetPaths = dataPaths,
            Split = "test",
            GlobalBatchSize = batchSize,
            TestSetMode = true,
        });
        var meta = test.Metadata;
        if (meta.SeqLen != config.SeqLen || meta.VocabSize != config.VocabSize)
        {
            throw new TrmCheckpointException(checkpoint, $"the model was trained on seq_len {config.SeqLen}, vocab {config.VocabSize}; the data has seq_len {meta.SeqLen}, vocab {meta.VocabSize}");
        }
        // The checkpoint's own loader: weights on the device, its forward dtype there, and the ACT steps asked for.
        using var head = new ActLossHead(opened.LoadModel(target, actSteps), lossKind);
        head.To(target);
        return PuzzleEvaluator.Evaluate(head, test, target, opened.Step, maxExamples, cancellationToken);
    }

    private static LossKind ReadLossKind(string trainerJson)
    {
        if (!File.Exists(trainerJson)) return LossKind.StablemaxCrossEntropy;
        var node = JsonNode.Parse(File.ReadAllText(trainerJson));
        var config = node?["config"] is JsonObject saved ? ConfigLoader.FromJson(saved.ToJsonString(), trainerJson) : new TrainConfig();
        return config.LossType;
    }
}
