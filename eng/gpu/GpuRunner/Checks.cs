using Trm.Torch;
using Trm.Torch.Cuda;
using Trm.Torch.Optim;
using Trm.Torch.Serialization;

namespace GpuRunner;

/// <summary>Known-answer checks of the CUDA paths (each compares against the CPU or a hand-computed value).</summary>
internal static class Checks
{
    private static void Expect(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException(what);
    }

    /// <summary>Runs the checks on <paramref name="cuda"/> (the CPU for a smoke test of the published runner: CUDA-only checks are skipped).</summary>
    public static void RunAll(Report r, Device cuda)
    {
        if (cuda.IsCuda)
        {
            RunCudaOnly(r, cuda);
            RunNccl(r, cuda);
        }
        RunCommon(r, cuda);
    }

    private static void RunCudaOnly(Report r, Device cuda)
    {
        r.Check("memory statistics", () =>
        {
            using var s = Engine.NewDisposeScope();
            var big = Tensors.Zeros([1 << 20], device: cuda);
            CudaDevice.Synchronize();
            Expect(CudaDevice.MemoryAllocated() >= 4 << 20, "allocated < 4 MiB with a 4 MiB tensor alive");
            Expect(CudaDevice.MemoryReserved() >= CudaDevice.MemoryAllocated(), "reserved < allocated");
            Expect(CudaDevice.MaxMemoryAllocated() >= CudaDevice.MemoryAllocated(), "peak < current");
            s.Dispose();
            CudaDevice.EmptyCache();
        });
        r.Check("autocast bf16 matmul", () =>
        {
            using var s = Engine.NewDisposeScope();
            var a = Tensors.Ones([8, 8], device: cuda);
            using (Autocast.Enter(DType.BFloat16)) Expect(a.MatMul(a).DType == DType.BFloat16, "autocast did not produce bf16");
            Expect(a.MatMul(a).DType == DType.Float32, "autocast leaked past its scope");
        });
        r.Check("CUDA graph capture/replay", () =>
        {
            using var s = Engine.NewDisposeScope();
            var input = Tensors.Zeros([1024], device: cuda);
            var output = Tensors.Zeros([1024], device: cuda);
            void Work()
            {
                using var inner = Engine.NewDisposeScope();
                output.CopyFrom_((input * 2 + 1).Relu());
            }
            Work();
            CudaDevice.Synchronize();
            using var graph = new CudaGraph();
            graph.Capture(Work);
            input.Fill_(3);
            graph.Replay();
            CudaDevice.Synchronize();
            Expect(output.To(Device.Cpu).ToArray<float>().All(v => v == 7), "replay did not recompute from the new input");
        });
    }

    private static void RunNccl(Report r, Device cuda)
    {
        r.Check("NCCL process group (1 rank) all-reduce", () =>
        {
            if (!Trm.Torch.Distributed.ProcessGroup.IsNcclAvailable) throw new InvalidOperationException("shim built without NCCL");
            string store = Path.Combine(Path.GetTempPath(), $"gpu-nccl-{Environment.ProcessId}");
            try
            {
                using var pg = Trm.Torch.Distributed.ProcessGroup.CreateNccl($"file://{store}", 0, 1, TimeSpan.FromSeconds(60));
                using var s = Engine.NewDisposeScope();
                var t = Tensors.FromArray(new float[] { 1, 2 }).To(cuda);
                pg.AllReduce_(t, Trm.Torch.Distributed.ReduceOp.Sum);
                Expect(t.To(Device.Cpu).ToArray<float>().SequenceEqual(new float[] { 1, 2 }), "single-rank sum changed the tensor");
            }
            finally
            {
                File.Delete(store);
            }
        });
    }

    private static void RunCommon(Report r, Device cuda)
    {
        r.Check("matmul on the device = hand result", () =>
        {
            using var s = Engine.NewDisposeScope();
            var x = Tensors.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2).To(cuda);
            Expect(x.MatMul(x).To(Device.Cpu).ToArray<float>().SequenceEqual(new float[] { 7, 10, 15, 22 }), "wrong product");
        });
        r.Check("SDPA (fused on 2.x) = manual softmax attention, causal", () =>
        {
            using var s = Engine.NewDisposeScope();
            using var g = new Generator(1);
            var q = Tensors.Randn([2, 4, 16, 32], g).To(cuda);
            var k = Tensors.Randn([2, 4, 16, 32], g).To(cuda);
            var v = Tensors.Randn([2, 4, 16, 32], g).To(cuda);
            var fused = F.ScaledDotProductAttention(q, k, v, isCausal: true);
            var mask = Tensors.Ones([16, 16], DType.Bool, cuda).Tril();
            var manual = (q.MatMul(k.Transpose(-2, -1)) / Math.Sqrt(32)).MaskedFill(mask.LogicalNot(), double.NegativeInfinity).Softmax(-1).MatMul(v);
            Expect(fused.AllClose(manual, 1e-4, 1e-5), "fused and manual attention differ");
        });
        r.Check("cross entropy GPU = CPU", () =>
        {
            using var s = Engine.NewDisposeScope();
            using var g = new Generator(2);
            var logits = Tensors.Randn([64, 100], g);
            var target = Tensors.RandInt(0, 100, [64], g);
            var cpu = F.CrossEntropy(logits, target).Item<double>();
            var gpu = F.CrossEntropy(logits.To(cuda), target.To(cuda)).Item<double>();
            Expect(Math.Abs(cpu - gpu) < 1e-5, $"cpu {cpu} vs gpu {gpu}");
        });
        r.Check("AdamW step GPU = CPU", () =>
        {
            using var s = Engine.NewDisposeScope();
            var a = Tensors.FromArray(new float[] { 1, -2, 3 }).RequiresGrad_();
            var b = Tensors.FromArray(new float[] { 1, -2, 3 }).To(cuda).RequiresGrad_();
            using var o1 = new AdamW([a], lr: 0.1);
            using var o2 = new AdamW([b], lr: 0.1);
            a.Grad = Tensors.FromArray(new float[] { 0.5f, 1, -1 });
            b.Grad = Tensors.FromArray(new float[] { 0.5f, 1, -1 }).To(cuda);
            o1.Step();
            o2.Step();
            Expect(b.To(Device.Cpu).AllClose(a, 1e-6, 1e-7), "parameters differ");
        });
        r.Check("safetensors from GPU tensors, load onto GPU", () =>
        {
            using var s = Engine.NewDisposeScope();
            string path = Path.Combine(Path.GetTempPath(), $"gpu-check-{Environment.ProcessId}.safetensors");
            var t = Tensors.Arange(10, DType.Float32, cuda);
            SafeTensors.Save(path, new Dictionary<string, Tensor> { ["t"] = t });
            using var f = SafeTensors.Load(path, cuda);
            Expect(f.Tensors["t"].Device == cuda && f.Tensors["t"].Equal(t), "round trip differs");
            File.Delete(path);
        });
    }
}
