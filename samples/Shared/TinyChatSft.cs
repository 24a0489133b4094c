using Trm.Data.Sft;
using Trm.Model;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Training;
using Trm.Training.Configuration;

namespace Trm.Samples;

/// <summary>
/// The samples' SFT stages: a tiny causal chat TRM, and fine-tuning it with the product's trainer on a chat dataset built
/// from an SFT mixture (assistant-only loss, AdamW at a constant rate), so that each sample runs offline on a CPU in a
/// minute or two.
/// </summary>
internal static class TinyChatSft
{
    /// <summary>A small causal chat TRM sized for CPU samples.</summary>
    public static TrmModel CreateModel(ChatTemplate template, int seqLen, int seed) => new(TrmConfig.Chat with
    {
        VocabSize = template.Tokenizer.VocabSize,
        SeqLen = seqLen,
        HiddenSize = 64,
        NumHeads = 4,
        Expansion = 2,
        LLayers = 2,
        HCycles = 1,
        LCycles = 1,
        HaltMaxSteps = 1,
        HaltExplorationProb = 0,
        ForwardDType = DType.Float32,
    }, new Generator(seed));

    /// <summary>
    /// Builds <paramref name="mixture"/> into a chat dataset in <paramref name="folder"/>, tokenized with
    /// <paramref name="tokenizerSpec"/> (the model's tokenizer) in rows of <paramref name="model"/>'s positions + 1 tokens.
    /// </summary>
    public static SftBuildResult BuildData(TrmModel model, SftMixtureBuilder mixture, string tokenizerSpec, string folder) =>
        mixture.WithTokenizer(tokenizerSpec).WithMaxLength(model.Config.SeqLen + 1).WithTrainSplit(0.99).Force().Build(folder);

    /// <summary>
    /// Trains <paramref name="model"/> on the chat dataset <paramref name="data"/> with the product's <see cref="Trainer"/>
    /// (assistant-only loss) for <paramref name="steps"/> steps of <paramref name="batchSize"/> conversations at the
    /// constant rate <paramref name="lr"/>; the run's checkpoint goes to <paramref name="folder"/>.
    /// </summary>
    /// <returns>The training result; <paramref name="log"/> receives (step, loss) every 100 steps.</returns>
    public static TrainingResult Train(TrmModel model, SftBuildResult data, string folder, int steps, int batchSize, double lr, int seed, Action<long, double>? log = null)
    {
        var config = TrainConfig.Chat with
        {
            DataPaths = [data.Directory],
            Device = "cpu",
            RunName = Path.GetFileName(folder),
            CheckpointPath = folder,
            GlobalBatchSize = batchSize,
            GradientAccumulationSteps = 1,
            Epochs = 1000,
            EvalInterval = null,
            MaxSteps = steps,
            Lr = lr,
            LrWarmupSteps = 0,
            LrMinRatio = 1.0,
            WeightDecay = 0.0,
            GradClipNorm = 1.0,
            Ema = false,
            EvalSamples = 0,
            Seed = seed,
        };
        using var trainer = Trainer.CreateBuilder().WithConfig(config).WithModel(model)
            .OnStep(r => { if (r.Step % 100 == 0) log?.Invoke(r.Step, r["lm_loss"]); }).Build();
        var result = trainer.Run();
        model.Eval();
        return result;
    }
}
