using System.Diagnostics;
using Trm.Torch;
using Trm.Torch.Cuda;
using Trm.Torch.Nn;
using Trm.Torch.Optim;

namespace GpuRunner;

/// <summary>GPU timings with the same workloads as eng/gpu/bench_gpu.py (PyTorch on the same machine).</summary>
internal static class Benchmarks
{
    /// <summary>Median and mean microseconds per call over rounds of calls, synchronising the GPU around each round.</summary>
    private static Timing Time(string name, Action fn, int callsPerRound = 50, int rounds = 15)
    {
        for (int i = 0; i < 20; i++) fn();
        CudaDevice.Synchronize();
        var perCall = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < callsPerRound; i++) fn();
            CudaDevice.Synchronize();
            perCall.Add(sw.Elapsed.TotalMicroseconds / callsPerRound);
        }
        perCall.Sort();
        return new Timing(name, perCall[perCall.Count / 2], perCall.Average());
    }

    public static void RunAll(Report report)
    {
        var cuda = Device.Cuda();
        using var g = new Generator(0);

        // 1. MLP training step (batch 256, 1024 -> 4096 -> 1024, AdamW), eager.
        using (var fc1 = new Linear(1024, 4096, generator: g))
        using (var fc2 = new Linear(4096, 1024, generator: g))
        {
            fc1.To(cuda);
            fc2.To(cuda);
            using var opt = new AdamW(fc1.Parameters().Concat(fc2.Parameters()), lr: 1e-4);
            using var x = Tensors.Randn([256, 1024], g).To(cuda);
            using var y = Tensors.RandInt(0, 1024, [256], g).To(cuda);
            report.Add(Time("MLP training step (eager)", () =>
            {
                using var s = Engine.NewDisposeScope();
                var loss = F.CrossEntropy(fc2.Forward(fc1.Forward(x).Relu()), y);
                opt.ZeroGrad();
                loss.Backward();
                opt.Step();
            }));

            // 2. The same MLP forward in inference: eager vs a replayed CUDA graph.
            using var input = Tensors.Randn([256, 1024], g).To(cuda);
            using var output = Tensors.Zeros([256, 1024], device: cuda);
            void Forward()
            {
                using var s = Engine.NewDisposeScope();
                using var ng = Engine.NoGrad();
                output.CopyFrom_(fc2.Forward(fc1.Forward(input).Relu()));
            }
            report.Add(Time("MLP forward (eager)", Forward));
            using var graph = new CudaGraph();
            graph.Capture(Forward);
            report.Add(Time("MLP forward (CUDA graph replay)", graph.Replay));
        }

        // 3. Small-op chain (launch-bound): 20 elementwise ops on [64, 512], eager vs graph.
        using (var a = Tensors.Randn([64, 512], g).To(cuda))
        using (var o = Tensors.Zeros([64, 512], device: cuda))
        {
            void Chain()
            {
                using var s = Engine.NewDisposeScope();
                var t = a;
                for (int i = 0; i < 10; i++) t = (t * 0.5 + 1).Tanh();
                o.CopyFrom_(t);
            }
            report.Add(Time("20-op elementwise chain (eager)", Chain));
            using var graph = new CudaGraph();
            graph.Capture(Chain);
            report.Add(Time("20-op elementwise chain (CUDA graph replay)", graph.Replay));
        }

        // 4. Causal attention forward + backward, bf16 autocast ([8, 8, 256, 64]).
        using (var q = Tensors.Randn([8, 8, 256, 64], g).To(cuda).RequiresGrad_())
        using (var k = Tensors.Randn([8, 8, 256, 64], g).To(cuda).RequiresGrad_())
        using (var v = Tensors.Randn([8, 8, 256, 64], g).To(cuda).RequiresGrad_())
        {
            report.Add(Time("causal SDPA fwd+bwd (bf16 autocast)", () =>
            {
                using var s = Engine.NewDisposeScope();
                using (Autocast.Enter(DType.BFloat16))
                {
                    var outp = F.ScaledDotProductAttention(q, k, v, isCausal: true);
                    outp.To(DType.Float32).Sum().Backward();
                }
                q.Grad = null;
                k.Grad = null;
                v.Grad = null;
            }, callsPerRound: 20));
        }
    }
}
