using System.Diagnostics;
using Trm.Model;
using Trm.Torch;
using Trm.Torch.Cuda;
using Trm.Torch.Optim;

namespace GpuRunner;

/// <summary>
/// TRM workloads: one training step (ACT step from a fresh carry, cross entropy on the logits, backward, AdamW) and one
/// no-grad recursive ACT step (evaluation mode), timed as a loop: <c>warmup</c> untimed calls, then <c>rounds</c> timed calls,
/// each synchronised (CUDA) and reported as median and mean microseconds, with the allocator's peak bytes over the workload.
/// On CUDA also: the no-grad step replayed as a CUDA graph (<see cref="TrmGraphedStep"/>), the training step with forward and
/// backward replayed as a CUDA graph (AdamW eager), and both eager steps with the fused kernels on.
/// </summary>
internal static class TrmBench
{
    /// <summary>The reference Sudoku configuration (batch 768, seq 81 + 16 puzzle positions, hidden 512, bf16 forward).</summary>
    public static TrmConfig Sudoku(bool mlpT, int batch = 768) => new()
    {
        BatchSize = batch, VocabSize = 11, SeqLen = 81, HiddenSize = 512, NumHeads = 8, LLayers = 2, HCycles = 3, LCycles = 6,
        MlpT = mlpT, PosEncodings = mlpT ? PositionEncoding.None : PositionEncoding.Rope, PuzzleEmbLen = 16,
        NumPuzzleIdentifiers = 1, HaltMaxSteps = 16, HaltExplorationProb = 0,
    };

    /// <summary>A small configuration (hidden 64, 2 heads, H 2 × L 2) for CPU dry runs and launch-overhead measurement.</summary>
    public static TrmConfig Small(bool mlpT, int batch = 16) => new()
    {
        BatchSize = batch, VocabSize = 11, SeqLen = 81, HiddenSize = 64, NumHeads = 2, LLayers = 2, HCycles = 2, LCycles = 2,
        MlpT = mlpT, PosEncodings = mlpT ? PositionEncoding.None : PositionEncoding.Rope, PuzzleEmbLen = 16,
        NumPuzzleIdentifiers = 1, HaltMaxSteps = 16, HaltExplorationProb = 0,
    };

    private static Timing Time(string name, Device device, Action fn, int warmup, int rounds)
    {
        bool cuda = device.IsCuda;
        for (int i = 0; i < warmup; i++) fn();
        if (cuda)
        {
            CudaDevice.Synchronize(device.Index);
            CudaDevice.ResetPeakMemoryStats(device.Index);
        }
        var perCall = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            fn();
            if (cuda) CudaDevice.Synchronize(device.Index);
            perCall.Add(sw.Elapsed.TotalMicroseconds);
        }
        perCall.Sort();
        var timing = new Timing(name, perCall[perCall.Count / 2], perCall.Average());
        if (!cuda) return timing;
        var stats = CudaDevice.MemoryStats(device.Index);
        return timing with { PeakAllocatedBytes = stats.PeakAllocatedBytes, PeakReservedBytes = stats.PeakReservedBytes };
    }

    private static TrmBatch RandomBatch(TrmConfig config, Device device)
    {
        int batch = config.BatchSize ?? 1;
        using var g = new Generator(0);
        using var cpu = new TrmBatch(Tensors.RandInt(1, config.VocabSize, [batch, config.SeqLen], g, DType.Int64),
            Tensors.RandInt(1, config.VocabSize, [batch, config.SeqLen], g, DType.Int64), Tensors.Zeros([batch], DType.Int64));
        return cpu.To(device);
    }

    /// <summary>Forward from a fresh carry, cross entropy on the logits, backward (gradients accumulate into .Grad).</summary>
    public static void ForwardBackward(TrmModel model, TrmBatch batch)
    {
        using var s = Engine.NewDisposeScope();
        using var carry = model.InitialCarry(batch);
        var (next, outputs) = model.Forward(carry, batch);
        using (next)
        using (outputs)
        {
            F.CrossEntropy(outputs.Logits.To(DType.Float32).Reshape(-1, model.Config.VocabSize), batch.Labels.Reshape(-1)).Backward();
        }
    }

    private static void NoGradStep(TrmModel model, TrmBatch batch)
    {
        using var s = Engine.NewDisposeScope();
        using var ng = Engine.NoGrad();
        using var carry = model.InitialCarry(batch);
        var (next, outputs) = model.Forward(carry, batch);
        next.Dispose();
        outputs.Dispose();
    }

    /// <summary>Times the workloads of <paramref name="config"/> on <paramref name="device"/>.</summary>
    public static void Run(Report report, Device device, string label, TrmConfig config, int warmup, int rounds)
    {
        config = config.ForDevice(device);
        using var g = new Generator(0);
        using var model = new TrmModel(config, g);
        model.To(device);
        using var opt = new AdamW(model.Parameters(), lr: 1e-4, weightDecay: 0.1);
        using var batch = RandomBatch(config, device);
        void TrainingStep()
        {
            opt.ZeroGrad();
            ForwardBackward(model, batch);
            opt.Step();
        }

        for (int fused = 0; fused < (device.IsCuda && FusedKernels.IsCompiled ? 2 : 1); fused++)
        {
            string suffix = fused == 1 ? " (fused kernels)" : "";
            FusedKernels.Enabled = fused == 1;
            try
            {
                model.Train();
                report.Add(Time($"TRM {label} training step{suffix}", device, TrainingStep, warmup, rounds));
                model.Eval();
                report.Add(Time($"TRM {label} no-grad ACT step{suffix}", device, () => NoGradStep(model, batch), warmup, rounds));
            }
            finally
            {
                FusedKernels.Enabled = false;
            }
        }
        if (!device.IsCuda) return;

        // The no-grad step as a CUDA graph (static carry and outputs; one replay per step).
        model.Eval();
        Graphed(report, device, $"TRM {label} no-grad ACT step (CUDA graph)", () =>
        {
            var step = new TrmGraphedStep(model, batch);
            return (() => { step.Reset(); step.Step(batch); }, step);
        }, warmup, rounds);

        // The training step with forward + backward captured (gradients land in graph-owned .Grad tensors, overwritten by each
        // replay) and AdamW run eagerly: its bias corrections are host scalars that a graph would freeze.
        model.Train();
        Graphed(report, device, $"TRM {label} training step (CUDA graph fwd+bwd, eager AdamW)", () =>
        {
            var graph = CaptureTrainingGraph(model, batch, opt);
            return (() =>
            {
                graph.Replay();
                opt.Step();
            }, graph);
        }, warmup, rounds);
        opt.ZeroGrad();
        CudaDevice.EmptyCache();
    }

    private static void Graphed(Report report, Device device, string name, Func<(Action Step, IDisposable Owner)> build, int warmup, int rounds)
    {
        IDisposable? owner = null;
        try
        {
            var (step, o) = build();
            owner = o;
            report.Add(Time(name, device, step, warmup, rounds));
        }
        catch (Exception e)
        {
            report.Check($"{name}: capture and replay", (Action)(() => throw new InvalidOperationException(e.Message.Split('\n')[0], e)));
        }
        finally
        {
            owner?.Dispose();
        }
    }

    /// <summary>Warms the forward + backward up eagerly, then captures it with the gradients unset (they are allocated in the graph's pool).</summary>
    public static CudaGraph CaptureTrainingGraph(TrmModel model, TrmBatch batch, Optimizer opt)
    {
        for (int i = 0; i < 2; i++)
        {
            opt.ZeroGrad();
            ForwardBackward(model, batch);
        }
        opt.ZeroGrad();
        CudaDevice.Synchronize(model.Device.Index);
        var graph = new CudaGraph();
        try
        {
            graph.Capture(() => ForwardBackward(model, batch));
        }
        catch
        {
            graph.Dispose();
            throw;
        }
        return graph;
    }
}
