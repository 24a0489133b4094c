using Trm.Model;
using Trm.Torch;
using Trm.Torch.Cuda;
using Trm.Torch.Optim;

namespace GpuRunner;

/// <summary>
/// CUDA graphs and memory of the TRM workloads: graph replays equal the eager steps (no-grad ACT step through
/// <see cref="TrmGraphedStep"/>; forward + backward of the training step), the allocator stays flat over 200 training steps,
/// and the memory statistics answer. In the CPU dry run every check reports SKIP with the reason (CUDA unsupported there).
/// </summary>
internal static class GraphChecks
{
    private static void RequireCuda(Device device)
    {
        if (!device.IsCuda)
        {
            var stats = CudaDevice.MemoryStats();
            throw new SkipException(stats.IsSupported ? "CPU dry run" : $"unsupported here: {stats.UnsupportedReason}");
        }
    }

    private static double RelL2(Tensor got, Tensor reference)
    {
        using var scope = Engine.NewDisposeScope();
        var g = got.To(DType.Float64);
        var e = reference.To(DType.Float64);
        return (g - e).Norm().Item<double>() / Math.Max(e.Norm().Item<double>(), 1e-30);
    }

    public static void Run(Report r, Device device)
    {
        foreach (var dtype in new[] { DType.Float32, DType.BFloat16 })
        {
            r.Check($"TRM no-grad ACT step {dtype}: CUDA graph replays = eager steps (3 steps, small attention)", () =>
            {
                RequireCuda(device);
                if (!TrmGraphedStep.IsSupported) throw new InvalidOperationException("TrmGraphedStep.IsSupported is false on a CUDA device");
                using var scope = Engine.NewDisposeScope();
                var config = Parity.Config(mlpT: false, dtype) with { HaltMaxSteps = 2 };
                using var model = new TrmModel(config, new Generator(0));
                model.To(device);
                model.Eval();
                using var batch = new TrmBatch(Tensors.RandInt(1, config.VocabSize, [4, config.SeqLen], new Generator(1), DType.Int64),
                    Tensors.RandInt(1, config.VocabSize, [4, config.SeqLen], new Generator(2), DType.Int64), Tensors.Zeros([4], DType.Int64)).To(device);
                using var graphed = new TrmGraphedStep(model, batch);
                using var noGrad = Engine.NoGrad();
                var carry = model.InitialCarry(batch);
                double worst = 0;
                for (int i = 0; i < 3; i++)
                {
                    var (next, outputs) = model.Forward(carry, batch);
                    carry.Dispose();
                    carry = next;
                    graphed.Step(batch);
                    using (outputs)
                    {
                        worst = Math.Max(worst, RelL2(graphed.Logits, outputs.Logits));
                        if (!graphed.Carry.Halted.Equal(carry.Halted) || !graphed.Carry.Steps.Equal(carry.Steps))
                            throw new InvalidOperationException($"step {i}: halted/steps differ");
                    }
                }
                carry.Dispose();
                // The same kernels on the same inputs, but cuBLAS may pick other algorithms on the capture stream: ulp-level only.
                double tol = dtype == DType.Float32 ? 1e-5 : 1e-2;
                if (!(worst <= tol)) throw new InvalidOperationException($"logits relative L2 error {worst:E1} over {tol:E0}");
                return $"logits relative L2 error {worst:E1} (tol {tol:E0}); halted and steps equal";
            });
        }

        r.Check("TRM training step: CUDA graph forward+backward gradients = eager (small attention, float32)", () =>
        {
            RequireCuda(device);
            using var scope = Engine.NewDisposeScope();
            var config = Parity.Config(mlpT: false, DType.Float32);
            using var model = new TrmModel(config, new Generator(0));
            model.To(device);
            using var opt = new AdamW(model.Parameters(), lr: 1e-4);
            using var batch = new TrmBatch(Tensors.RandInt(1, config.VocabSize, [4, config.SeqLen], new Generator(1), DType.Int64),
                Tensors.RandInt(1, config.VocabSize, [4, config.SeqLen], new Generator(2), DType.Int64), Tensors.Zeros([4], DType.Int64)).To(device);
            using var graph = TrmBench.CaptureTrainingGraph(model, batch, opt);
            graph.Replay();
            var replayed = model.Parameters().Where(p => p.Grad is not null).Select(p => p.Grad!.Clone()).ToList();
            opt.ZeroGrad();
            TrmBench.ForwardBackward(model, batch);
            var eager = model.Parameters().Where(p => p.Grad is not null).Select(p => p.Grad!).ToList();
            if (replayed.Count != eager.Count || replayed.Count == 0) throw new InvalidOperationException($"{replayed.Count} replayed vs {eager.Count} eager gradients");
            double worst = replayed.Zip(eager).Max(t => RelL2(t.First, t.Second));
            if (!(worst <= 1e-5)) throw new InvalidOperationException($"gradient relative L2 error {worst:E1} over 1e-5");
            return $"{replayed.Count} gradients, worst relative L2 error {worst:E1} (tol 1e-5)";
        });

        r.Check("CUDA allocator flat over 200 TRM training steps (small attention, bf16)", () =>
        {
            RequireCuda(device);
            using var scope = Engine.NewDisposeScope();
            var config = TrmBench.Small(mlpT: false).ForDevice(device);
            using var model = new TrmModel(config, new Generator(0));
            model.To(device);
            model.Train();
            using var opt = new AdamW(model.Parameters(), lr: 1e-4);
            using var batch = new TrmBatch(Tensors.RandInt(1, config.VocabSize, [16, config.SeqLen], new Generator(1), DType.Int64),
                Tensors.RandInt(1, config.VocabSize, [16, config.SeqLen], new Generator(2), DType.Int64), Tensors.Zeros([16], DType.Int64)).To(device);
            long after10 = 0, peak10 = 0;
            for (int i = 1; i <= 200; i++)
            {
                opt.ZeroGrad();
                TrmBench.ForwardBackward(model, batch);
                opt.Step();
                if (i == 10)
                {
                    CudaDevice.Synchronize(device.Index);
                    after10 = CudaDevice.MemoryAllocated(device.Index);
                    peak10 = CudaDevice.MaxMemoryAllocated(device.Index);
                }
            }
            CudaDevice.Synchronize(device.Index);
            var end = CudaDevice.MemoryStats(device.Index);
            if (end.AllocatedBytes != after10 || end.PeakAllocatedBytes != peak10)
                throw new InvalidOperationException($"allocated {after10} B after step 10 vs {end.AllocatedBytes} B after step 200; peak {peak10} vs {end.PeakAllocatedBytes}");
            return $"allocated {after10} B after step 10 and after step 200; {end}";
        });

        r.Check("empty_cache returns a freed 256 MiB block to the driver", () =>
        {
            RequireCuda(device);
            using (var s = Engine.NewDisposeScope())
            {
                _ = Tensors.Zeros([64 << 20], device: device);
            }
            CudaDevice.Synchronize(device.Index);
            long before = CudaDevice.MemoryReserved(device.Index);
            CudaDevice.EmptyCache();
            long after = CudaDevice.MemoryReserved(device.Index);
            if (before - after < 256L << 20) throw new InvalidOperationException($"reserved {before} B before empty_cache, {after} B after");
            return $"reserved {before} B -> {after} B";
        });
    }
}
