using System.Text.Json;
using Trm.Data.Chat;
using Trm.Data.TokenStream;
using Trm.Model;
using Trm.Tokenization;
using Trm.Torch;
using Trm.Training.Configuration;

namespace Trm.Training.Tests.Language;

/// <summary>Tiny chat datasets, token streams and causal TRM configurations for the language-model trainer tests.</summary>
internal static class TinyChat
{
    /// <summary>Instruction/answer pairs: "reverse: abc" → "cba" over short words.</summary>
    public static IReadOnlyList<(string User, string Assistant)> Reversals(int count) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var word = new string([.. Enumerable.Range(0, 3 + i % 3).Select(j => (char)('a' + (i * 7 + j * 3) % 26))]);
            return ($"reverse {word}", new string([.. word.Reverse()]));
        })];

    /// <summary>
    /// Writes the pairs as an Alpaca JSON file and builds a chat dataset from it under <paramref name="folder"/> with a
    /// character vocabulary (saved as <c>vocab.json</c> beside the input).
    /// </summary>
    public static string Build(string folder, IReadOnlyList<(string User, string Assistant)> pairs, double trainSplit = 0.75, int maxLength = 48)
    {
        Directory.CreateDirectory(folder);
        var input = Path.Combine(folder, "pairs.json");
        File.WriteAllText(input, JsonSerializer.Serialize(pairs.Select(p => new Dictionary<string, string> { ["instruction"] = p.User, ["input"] = "", ["output"] = p.Assistant })));
        var vocab = Path.Combine(folder, "vocab.json");
        CharTokenizer.Build("abcdefghijklmnopqrstuvwxyz reverse0123456789+=,.!?").Save(vocab);
        var output = Path.Combine(folder, "chat");
        new ChatDatasetBuilder().FromFile(input).WithTokenizer("char:" + vocab).WithMaxLength(maxLength).WithTrainSplit(trainSplit).WithSeed(1).Build(output);
        return output;
    }

    /// <summary>A nanoGPT-layout character token-stream folder made of <paramref name="text"/>.</summary>
    public static string Stream(string folder, string text)
    {
        Directory.CreateDirectory(folder);
        var input = Path.Combine(folder, "input.txt");
        File.WriteAllText(input, text);
        var output = Path.Combine(folder, "stream");
        TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = input, OutputDirectory = output, Tokenizer = "char", ValFraction = 0.2 });
        return output;
    }

    /// <summary>The chat preset shrunk for a 2-core CPU: width 32, one block, no EMA, constant learning rate.</summary>
    public static TrainConfig Config(string data, string checkpoints, bool recursive = false) => (recursive ? TrainConfig.ChatRecursive : TrainConfig.Chat) with
    {
        DataPaths = [data],
        CheckpointPath = checkpoints,
        RunName = "lm",
        Device = "cpu",
        Seed = 5,
        GlobalBatchSize = 2,
        GradientAccumulationSteps = 1,
        Epochs = 4,
        EvalInterval = 2,
        Lr = 3e-3,
        LrWarmupSteps = 0,
        LrMinRatio = 1.0,
        WeightDecay = 0.0,
        Ema = false,
        EvalSamples = 1,
        EvalSampleTokens = 8,
        Arch = (recursive ? TrmConfig.ChatRecursive with { HCycles = 2, LCycles = 2, HaltMaxSteps = 2 } : TrmConfig.Chat) with
        {
            HiddenSize = 32,
            NumHeads = 2,
            Expansion = 2,
            LLayers = 1,
            ForwardDType = DType.Float32,
        },
    };

    /// <summary>A copy of every tensor of <paramref name="trainer"/>'s model (keys of the state dict).</summary>
    public static Dictionary<string, float[]> Weights(Trainer trainer) =>
        trainer.Model.StateDict().ToDictionary(kv => kv.Key, kv =>
        {
            using var f = kv.Value.To(DType.Float32).Contiguous();
            return f.ToArray<float>();
        });

    /// <summary>Largest absolute difference between two weight snapshots.</summary>
    public static double MaxDifference(Dictionary<string, float[]> a, Dictionary<string, float[]> b) =>
        a.Max(kv => kv.Value.Zip(b[kv.Key], (x, y) => Math.Abs((double)x - y)).DefaultIfEmpty(0).Max());
}
