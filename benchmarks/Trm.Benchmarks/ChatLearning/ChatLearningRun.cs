using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trm.Core.IO;
using Trm.Data.TokenStream;
using Trm.Model;
using Trm.Model.Language;
using Trm.Torch;
using Trm.Torch.Nn;
using Trm.Torch.Optim;
using static Trm.Torch.Engine;

namespace Trm.Benchmarks.ChatLearning;

/// <summary>
/// One language-model training run of the learning comparison (docs/benchmarks/chat-trm.md): the recursive chat TRM
/// (<see cref="TrmConfig.ChatRecursive"/> at small width, one ACT step per batch) or the equal-parameter plain transformer
/// (<see cref="PlainTransformer.SizedLike"/>) on a token-stream folder (train.bin/val.bin), with AdamW, the warm-up +
/// cosine schedule and gradient clipping. Both models see the same batches (the same sampler seed). Every
/// <see cref="Options.EvalEvery"/> steps it appends a row to the CSV: step, tokens, training CPU seconds and FLOPs so
/// far, mean training loss since the last row, validation loss on fixed batches.
/// </summary>
internal sealed class ChatLearningRun
{
    /// <summary>Settings of one run (the defaults are the page's configuration).</summary>
    public sealed record Options
    {
        public required string DataDir { get; init; }
        public required string Model { get; init; } // "trm" or "plain"
        public required int Steps { get; init; }
        public required int EvalEvery { get; init; }
        public required string OutputCsv { get; init; }
        public int Batch { get; init; } = 8;
        public int SeqLen { get; init; } = 128;
        public int Hidden { get; init; } = 128;
        public int Heads { get; init; } = 4;
        public int Layers { get; init; } = 2;
        public double Lr { get; init; } = 1e-3;
        public double WarmupFraction { get; init; } = 0.1;
        public double MinLrRatio { get; init; } = 0.1;
        public double WeightDecay { get; init; } = 0.1;
        public double ClipNorm { get; init; } = 1.0;
        public int ValBatches { get; init; } = 6;
        public long Seed { get; init; } = 1337;
    }

    /// <summary>The recursive TRM of the comparison for a vocabulary.</summary>
    public static TrmConfig TrmConfigFor(Options o, int vocab) => TrmConfig.ChatRecursive.ForDevice(Device.Cpu) with
    {
        VocabSize = vocab,
        SeqLen = o.SeqLen,
        HiddenSize = o.Hidden,
        NumHeads = o.Heads,
        LLayers = o.Layers,
    };

    public static void Run(Options o)
    {
        Engine.SetNumThreads(1); // the same single thread for both models, as the CPU-time benchmark
        using var data = TokenStreamDataset.Open(o.DataDir);
        int vocab = data.Meta.VocabSize;
        var trmConfig = TrmConfigFor(o, vocab);
        var config = o.Model == "trm" ? trmConfig : PlainTransformer.SizedLike(trmConfig);
        using Module module = o.Model switch
        {
            "trm" => new TrmModel(config, new Generator(0)),
            "plain" => new PlainTransformer(config, new Generator(0)),
            _ => throw new ArgumentException($"model must be trm or plain, got '{o.Model}'"),
        };
        // One ACT step per batch for the TRM (H_cycles × (L_cycles + 1) applications of the stack, the last cycle with gradients).
        Func<Tensor, Tensor> forward = module is TrmModel trm ? ids => trm.LmForward(ids, null, null, steps: 1) : ids => ((PlainTransformer)module).LmForward(ids);
        double flopsPerStep = TrainingFlops(config, o.Model == "trm", o.Batch, o.SeqLen);

        var sampler = new TokenBatchSampler([data.Train], new TokenSamplerOptions { BatchSize = o.Batch, BlockSize = o.SeqLen, Seed = o.Seed });
        var valSampler = new TokenBatchSampler([data.Val], new TokenSamplerOptions { BatchSize = o.Batch, BlockSize = o.SeqLen, Seed = o.Seed + 1 });
        var valBatches = Enumerable.Range(0, o.ValBatches).Select(_ => ToTensors(valSampler.Next())).ToList();

        using var optimizer = new AdamW(module.Parameters(), lr: o.Lr, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: o.WeightDecay);
        var schedule = new WarmupCosineSchedule(o.Lr, (long)(o.WarmupFraction * o.Steps), o.Steps, o.MinLrRatio);
        Console.WriteLine($"{o.Model} on {o.DataDir}: vocab {vocab}, {module.ParameterCount():N0} parameters, hidden {config.HiddenSize}, " +
                          $"{config.LLayers} layers, H {config.HCycles} L {config.LCycles}, {o.Steps} steps × {o.Batch}×{o.SeqLen} tokens, " +
                          $"{flopsPerStep / 1e9:F2} GFLOP per step");

        var csv = new StringBuilder("step,tokens,train_cpu_s,train_flops,train_loss,val_loss,wall_s,lr\n");
        var wall = Stopwatch.StartNew();
        double cpuSeconds = 0, lossSum = 0, lr = 0;
        int lossCount = 0;
        for (int step = 0; step <= o.Steps; step++)
        {
            if (step % o.EvalEvery == 0 || step == o.Steps)
            {
                double val = Evaluate(module, forward, valBatches, vocab);
                double train = lossCount == 0 ? double.NaN : lossSum / lossCount;
                csv.Append(CultureInfo.InvariantCulture, $"{step},{(long)step * o.Batch * o.SeqLen},{cpuSeconds:F3},{step * flopsPerStep:E4},{train:F5},{val:F5},{wall.Elapsed.TotalSeconds:F1},{lr:E3}\n");
                AtomicFile.WriteAllText(o.OutputCsv, csv.ToString());
                Console.WriteLine(FormattableString.Invariant($"  step {step,5}: train {train:F4}  val {val:F4}  cpu {cpuSeconds:F1} s  wall {wall.Elapsed.TotalSeconds:F0} s"));
                lossSum = 0;
                lossCount = 0;
            }

            if (step == o.Steps) break;
            var batch = sampler.Next();
            double c0 = TrmForwardCpuTime.CpuMs();
            lr = schedule.LearningRate(step + 1);
            optimizer.SetLearningRate(lr);
            lossSum += TrainStep(module, forward, optimizer, batch, vocab, o.ClipNorm);
            cpuSeconds += (TrmForwardCpuTime.CpuMs() - c0) / 1000;
            lossCount++;
        }

        foreach (var (inputs, targets) in valBatches)
        {
            inputs.Dispose();
            targets.Dispose();
        }
    }

    private static double TrainStep(Module module, Func<Tensor, Tensor> forward, AdamW optimizer, TokenBatch batch, int vocab, double clipNorm)
    {
        using var scope = NewDisposeScope();
        module.Train();
        var (inputs, targets) = ToTensors(batch);
        optimizer.ZeroGrad();
        var loss = F.CrossEntropy(forward(inputs).View(-1, vocab), targets.View(-1));
        loss.Backward();
        GradClip.ClipGradNorm_(module.Parameters(), clipNorm);
        optimizer.Step();
        return loss.Item<float>();
    }

    private static double Evaluate(Module module, Func<Tensor, Tensor> forward, List<(Tensor Inputs, Tensor Targets)> batches, int vocab)
    {
        using var scope = NewDisposeScope();
        using var noGrad = NoGrad();
        module.Eval();
        double sum = 0;
        foreach (var (inputs, targets) in batches)
        {
            sum += F.CrossEntropy(forward(inputs).View(-1, vocab), targets.View(-1)).Item<float>();
        }

        return sum / batches.Count;
    }

    private static (Tensor Inputs, Tensor Targets) ToTensors(TokenBatch batch)
    {
        // One stream (single mode): row-major BatchSize × BlockSize ids.
        long[] Widen(int[] ids) => Array.ConvertAll(ids, id => (long)id);
        return (Tensors.FromArray(Widen(batch.Inputs[0]), batch.BatchSize, batch.BlockSize),
            Tensors.FromArray(Widen(batch.Targets[0]), batch.BatchSize, batch.BlockSize));
    }

    /// <summary>
    /// Matrix-multiply FLOPs of one training step (2 per multiply-add; elementwise work, norms and the optimizer not
    /// counted): per token and application of the stack, per layer, the q/k/v/o projections 2·4·h², the SwiGLU
    /// 2·3·h·inner and attention scores and values 2·2·T·h (the full T×T product the masked kernel computes); the head
    /// 2·h·V. Applications without gradients count once (forward), those with gradients and the head three times
    /// (forward and the two products of backward).
    /// </summary>
    public static double TrainingFlops(TrmConfig config, bool recursive, int batch, int seqLen)
    {
        double h = config.HiddenSize;
        // One block holds 4·h² attention and 3·h·inner SwiGLU weights: the SwiGLU width from the model's own count.
        double block = PlainTransformer.CountParameters(config with { LLayers = 1, VocabSize = 0, PosEncodings = PositionEncoding.Rope });
        double inner = (block - 4 * h * h) / (3 * h);
        double perApplication = config.LLayers * (2 * 4 * h * h + 2 * 3 * h * inner + 2 * 2 * seqLen * h);
        double head = 2 * h * config.VocabSize;
        int noGrad = recursive ? (config.HCycles - 1) * (config.LCycles + 1) : 0;
        int withGrad = recursive ? config.LCycles + 1 : 1;
        return (double)batch * seqLen * (noGrad * perApplication + 3 * (withGrad * perApplication + head));
    }
}
