using BenchmarkDotNet.Attributes;
using Trm.Model;
using Trm.Torch;
using Trm.Torch.Cuda;
using Trm.Training.Losses;
using static Trm.Torch.Engine;
using static Trm.Torch.Tensors;

namespace Trm.Benchmarks;

/// <summary>
/// The TRM's recursive forward pass: one ACT step without gradients (evaluation), and one full training step
/// (ACT step + stablemax/ACT loss + backward). CPU runs a small configuration; CUDA (only listed when a GPU is
/// present) runs the reference Sudoku recipe: hidden 512, 2 layers, H=3, L=6, batch 768, 81 + 16 positions, bfloat16.
/// </summary>
[MemoryDiagnoser(false)]
[MinColumn]
[MedianColumn]
public class TrmForwardBenchmarks
{
    private ActLossHead _head = null!;
    private TrmBatch _batch = null!;
    private TrmCarry _carry = null!;

    /// <summary>"cpu-attn", "cpu-mlp_t", and on CUDA machines "cuda-attn", "cuda-mlp_t".</summary>
    [ParamsSource(nameof(Setups))]
    public string Setup { get; set; } = "cpu-attn";

    public static IEnumerable<string> Setups()
    {
        yield return "cpu-attn";
        yield return "cpu-mlp_t";
        if (CudaDevice.IsAvailable)
        {
            yield return "cuda-attn";
            yield return "cuda-mlp_t";
        }
    }

    private bool OnCuda => Setup.StartsWith("cuda", StringComparison.Ordinal);

    [GlobalSetup]
    public void GlobalSetup()
    {
        InProcessConfig.ApplyThreads(); // TRM_BENCH_THREADS, when set, for libtorch and OpenBLAS alike
        bool mlpT = Setup.EndsWith("mlp_t", StringComparison.Ordinal);
        var device = OnCuda ? Device.Cuda() : Device.Cpu;
        int batchSize = OnCuda ? 768 : 8;
        var config = new TrmConfig
        {
            BatchSize = batchSize,
            VocabSize = 11,
            SeqLen = 81,
            HiddenSize = OnCuda ? 512 : 128,
            NumHeads = OnCuda ? 8 : 4,
            Expansion = 4,
            LLayers = 2,
            HCycles = 3,
            LCycles = 6,
            MlpT = mlpT,
            PosEncodings = mlpT ? PositionEncoding.None : PositionEncoding.Rope,
            PuzzleEmbNdim = OnCuda ? 512 : 128,
            PuzzleEmbLen = 16,
            NumPuzzleIdentifiers = 1,
            HaltMaxSteps = 16,
            HaltExplorationProb = 0.1,
            ForwardDType = OnCuda ? DType.BFloat16 : DType.Float32,
        };
        var model = new TrmModel(config, new Generator(0));
        model.To(device);
        model.ExplorationGenerator = new Generator(1);
        _head = new ActLossHead(model);

        var g = new Generator(2);
        var inputs = RandInt(0, 11, [batchSize, 81], g).To(device).DetachFromDisposeScope();
        var labels = RandInt(1, 11, [batchSize, 81], g).To(device).DetachFromDisposeScope();
        var ids = Zeros([batchSize], DType.Int32, device).DetachFromDisposeScope();
        _batch = new TrmBatch(inputs, labels, ids);
        _carry = _head.InitialCarry(_batch);
        Console.WriteLine($"// TRM {Setup}: libtorch {Engine.Version}, {Engine.NumThreads} intra-op threads, {Engine.NumBlasThreads} OpenBLAS threads, {model.ParameterCount():N0} parameters");
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _carry.Dispose();
        _batch.Dispose();
        _head.Dispose();
    }

    /// <summary>One ACT step (H×(L+1) applications of the shared stack) in evaluation, no gradients.</summary>
    [Benchmark]
    public void RecursiveStepNoGrad()
    {
        _head.Eval();
        using var scope = NewDisposeScope();
        using var noGrad = NoGrad();
        var (carry, outputs) = _head.Model.Forward(_carry, _batch);
        _ = outputs.QHaltLogits.Sum().Item<float>(); // waits for the device
        carry.Dispose();
    }

    /// <summary>One training step without the optimizer: ACT step, loss, backward.</summary>
    [Benchmark]
    public void TrainingStep()
    {
        _head.Train();
        using var scope = NewDisposeScope();
        using var result = _head.Forward(_carry, _batch);
        (result.Loss / _batch.Size).Backward();
        if (OnCuda)
        {
            CudaDevice.Synchronize();
        }

        result.Carry.Dispose();
        _head.ZeroGrad();
        _head.Model.PuzzleEmbedding?.LocalWeights?.Grad?.Zero_();
    }
}
