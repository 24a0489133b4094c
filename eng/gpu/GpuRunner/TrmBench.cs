using System.Diagnostics;
using Trm.Model;
using Trm.Torch;
using Trm.Torch.Cuda;
using Trm.Torch.Optim;

namespace GpuRunner;

/// <summary>
/// TRM workloads: one training step (ACT step from a fresh carry, cross entropy on the logits, backward, AdamW) and one
/// no-grad recursive ACT step, timed as a loop: <c>warmup</c> untimed calls, then <c>rounds</c> timed calls, each
/// synchronised (CUDA) and reported as median and mean microseconds.
/// </summary>
internal static class TrmBench
{
    /// <summary>The reference Sudoku configuration (batch 768, seq 81 + 16 puzzle positions, hidden 512, bf16 forward).</summary>
    public static TrmConfig Sudoku(bool mlpT, int batch = 768) => new()
    {
        BatchSize = batch, VocabSize = 11, SeqLen = 81, HiddenSize = 512, NumHeads = 8, LLayers = 2, HCycles = 3, LCycles = 6,
        MlpT = mlpT, PosEncodings = mlpT ? PositionEncoding.None : PositionEncoding.Rope, PuzzleEmbLen = 16,
        NumPuzzleIdentifiers = 1, HaltMaxSteps = 16,
    };

    /// <summary>A small configuration (hidden 64, 2 heads, H 2 × L 2) for CPU dry runs and launch-overhead measurement.</summary>
    public static TrmConfig Small(bool mlpT, int batch = 16) => new()
    {
        BatchSize = batch, VocabSize = 11, SeqLen = 81, HiddenSize = 64, NumHeads = 2, LLayers = 2, HCycles = 2, LCycles = 2,
        MlpT = mlpT, PosEncodings = mlpT ? PositionEncoding.None : PositionEncoding.Rope, PuzzleEmbLen = 16,
        NumPuzzleIdentifiers = 1, HaltMaxSteps = 16,
    };

    private static Timing Time(string name, Device device, Action fn, int warmup, int rounds)
    {
        bool cuda = device.Type == DeviceType.Cuda;
        for (int i = 0; i < warmup; i++) fn();
        if (cuda) CudaDevice.Synchronize();
        var perCall = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            fn();
            if (cuda) CudaDevice.Synchronize();
            perCall.Add(sw.Elapsed.TotalMicroseconds);
        }
        perCall.Sort();
        return new Timing(name, perCall[perCall.Count / 2], perCall.Average());
    }

    /// <summary>Times the training step and the no-grad ACT step of <paramref name="config"/> on <paramref name="device"/>.</summary>
    public static void Run(Report report, Device device, string label, TrmConfig config, int warmup, int rounds)
    {
        config = config.ForDevice(device);
        int batch = config.BatchSize ?? 1;
        using var g = new Generator(0);
        using var model = new TrmModel(config, g);
        model.To(device);
        using var opt = new AdamW(model.Parameters(), lr: 1e-4, weightDecay: 0.1);
        using var cpuBatch = new TrmBatch(Tensors.RandInt(1, config.VocabSize, [batch, config.SeqLen], g, DType.Int64),
            Tensors.RandInt(1, config.VocabSize, [batch, config.SeqLen], g, DType.Int64), Tensors.Zeros([batch], DType.Int64));
        using var batchData = cpuBatch.To(device);
        report.Timings.Add(Time($"TRM {label} training step", device, () =>
        {
            using var s = Engine.NewDisposeScope();
            using var carry = model.InitialCarry(batchData);
            var (next, outputs) = model.Forward(carry, batchData);
            using (next)
            using (outputs)
            {
                var loss = F.CrossEntropy(outputs.Logits.To(DType.Float32).Reshape(-1, config.VocabSize), batchData.Labels.Reshape(-1));
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
            }
        }, warmup, rounds));
        report.Timings.Add(Time($"TRM {label} no-grad ACT step", device, () =>
        {
            using var s = Engine.NewDisposeScope();
            using var ng = Engine.NoGrad();
            using var carry = model.InitialCarry(batchData);
            var (next, outputs) = model.Forward(carry, batchData);
            next.Dispose();
            outputs.Dispose();
        }, warmup, rounds));
    }
}
