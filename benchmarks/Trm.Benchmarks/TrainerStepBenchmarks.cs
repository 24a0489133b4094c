using BenchmarkDotNet.Attributes;
using Trm.Data.Puzzles.Sudoku;
using Trm.Model;
using Trm.Torch;
using Trm.Torch.Cuda;
using Trm.Torch.Optim;
using Trm.Training;
using Trm.Training.Configuration;

namespace Trm.Benchmarks;

/// <summary>
/// One complete trainer step as <c>trm train</c> runs it: batch upload, ACT step with the loss head, backward,
/// AdamATan2 (one native call), puzzle-embedding sign-SGD, EMA update and metric read-back. "cpu-quickstart" is the
/// quickstart's configuration; on CUDA machines "cuda-mlp_t" / "cuda-attn" run the reference Sudoku recipe
/// (hidden 512, L_layers 2, H 3, L 6, batch 768, 81 + 16 positions, bfloat16 forward).
/// </summary>
[MemoryDiagnoser(false)]
[Config(typeof(InProcessConfig))]
public class TrainerStepBenchmarks
{
    private string _root = "";
    private Trainer _trainer = null!;

    /// <summary>The configuration benchmarked.</summary>
    [ParamsSource(nameof(Setups))]
    public string Setup { get; set; } = "cpu-quickstart";

    public static IEnumerable<string> Setups()
    {
        yield return "cpu-quickstart";
        if (CudaDevice.IsAvailable)
        {
            yield return "cuda-mlp_t";
            yield return "cuda-attn";
        }
    }

    [GlobalSetup]
    public void GlobalSetup()
    {
        InProcessConfig.ApplyThreads();
        var cuda = Setup.StartsWith("cuda", StringComparison.Ordinal);
        _root = Path.Combine(Path.GetTempPath(), $"trm-bench-{Guid.NewGuid():N}");
        var data = Path.Combine(_root, "data");
        new SudokuDatasetBuilder().WithSeed(0).Generate(cuda ? 1600 : 400, 16).WithClues(40).Build(data);
        var config = new TrainConfig
        {
            DataPaths = [data],
            CheckpointPath = Path.Combine(_root, "ckpt"),
            RunName = "bench",
            Epochs = 1000,
            EvalInterval = null,
            Ema = true,
            LrWarmupSteps = 10,
            Device = cuda ? "cuda" : "cpu",
            GlobalBatchSize = cuda ? 768 : 32,
            Arch = cuda
                ? new TrmConfig { MlpT = Setup.EndsWith("mlp_t", StringComparison.Ordinal), PosEncodings = Setup.EndsWith("mlp_t", StringComparison.Ordinal) ? PositionEncoding.None : PositionEncoding.Rope }
                : new TrmConfig
                {
                    HiddenSize = 64, NumHeads = 4, Expansion = 2, LLayers = 1, HCycles = 2, LCycles = 2, MlpT = true, PosEncodings = PositionEncoding.None,
                    PuzzleEmbNdim = 0, HaltMaxSteps = 4, ForwardDType = DType.Float32,
                },
        };
        _trainer = Trainer.CreateBuilder().WithConfig(config).WithMetricsFile(null).Build();
        for (var i = 0; i < 3; i++) _trainer.TrainStep();
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _trainer.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>One optimizer step of the trainer (metrics are read back, which synchronizes the device).</summary>
    [Benchmark]
    public double FullTrainingStep() => _trainer.TrainStep()["lm_loss"];
}

/// <summary>
/// The network optimizer alone on 5.0 M float32 parameters in 14 tensors (the mlp_t Sudoku model's size): AdamATan2 and
/// AdamW, each one native call per group (<c>optimizer=adam_atan2</c> and <c>optimizer=adamw</c> in the trainer).
/// </summary>
[Config(typeof(InProcessConfig))]
public class OptimizerStepBenchmarks
{
    private readonly List<Tensor> _parameters = [];
    private AdamAtan2 _adamAtan2 = null!;
    private AdamW _adamW = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        InProcessConfig.ApplyThreads();
        var g = new Generator(0);
        long[][] shapes = [[512, 1536], [512, 512], [1536, 512], [1536, 512], [512, 1536], [512, 512], [1536, 512], [1536, 512], [11, 512], [512, 11], [2, 512], [2], [97, 97], [512]];
        foreach (var shape in shapes)
        {
            var p = Tensors.Randn(shape, g).DetachFromDisposeScope();
            p.RequiresGrad = true;
            p.Grad = Tensors.Randn(shape, g).DetachFromDisposeScope();
            _parameters.Add(p);
        }
        _adamAtan2 = new AdamAtan2(_parameters, 1e-4, 0.9, 0.95, 0.1);
        _adamW = new AdamW(_parameters, 1e-4, 0.9, 0.95, 1e-8, 0.1);
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _adamAtan2.Dispose();
        _adamW.Dispose();
        foreach (var p in _parameters) p.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void AdamAtan2OneNativeCall() => _adamAtan2.Step();

    [Benchmark]
    public void AdamWOneNativeCall() => _adamW.Step();
}
