using Trm.Torch;
using Trm.Torch.Cuda;

namespace Trm.Torch.Tests;

/// <summary>Runs only where the shim was built with CUDA and a GPU is visible (eng/gpu/run.sh); ignored elsewhere.</summary>
[Category("Cuda")]
public class CudaTests
{
    [SetUp]
    public void RequireGpu()
    {
        if (!CudaDevice.IsAvailable) Assert.Ignore("no CUDA device (or the shim was built without CUDA)");
    }

    [Test]
    public void TensorsRoundTripThroughTheGpu()
    {
        using var scope = Engine.NewDisposeScope();
        var x = Tensors.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2).To(Device.Cuda());
        Assert.That(x.Device, Is.EqualTo(Device.Cuda()));
        Assert.That(x.MatMul(x).To(Device.Cpu).ToArray<float>(), Is.EqualTo(new float[] { 7, 10, 15, 22 }));
        CudaDevice.Synchronize();
        Assert.That(CudaDevice.MemoryAllocated(), Is.GreaterThan(0));
        Assert.That(CudaDevice.MaxMemoryAllocated(), Is.GreaterThanOrEqualTo(CudaDevice.MemoryAllocated()));
        Assert.That(CudaDevice.MemoryReserved(), Is.GreaterThanOrEqualTo(CudaDevice.MemoryAllocated()));
    }

    [Test]
    public void AutocastRunsMatMulInBFloat16()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensors.Ones([4, 4], device: Device.Cuda());
        using (Autocast.Enter(DType.BFloat16))
        {
            Assert.That(a.MatMul(a).DType, Is.EqualTo(DType.BFloat16));
        }
        Assert.That(a.MatMul(a).DType, Is.EqualTo(DType.Float32));
    }

    [Test]
    public void CudaGraphReplaysCapturedWork()
    {
        using var scope = Engine.NewDisposeScope();
        var input = Tensors.Zeros([8], device: Device.Cuda());
        var output = Tensors.Zeros([8], device: Device.Cuda());
        void Work()
        {
            using var s = Engine.NewDisposeScope();
            output.CopyFrom_(input * 2 + 1);
        }
        Work(); // warm-up outside capture
        using var graph = new CudaGraph();
        graph.Capture(Work);
        input.Fill_(3);
        graph.Replay();
        CudaDevice.Synchronize();
        Assert.That(output.To(Device.Cpu).ToArray<float>(), Is.All.EqualTo(7f));
    }

    [Test]
    public void AdamWStepOnGpuMatchesCpu()
    {
        using var scope = Engine.NewDisposeScope();
        var cpu = Tensors.FromArray(new float[] { 1, -2, 3 }).RequiresGrad_();
        var gpu = Tensors.FromArray(new float[] { 1, -2, 3 }).To(Device.Cuda()).RequiresGrad_();
        using var o1 = new Trm.Torch.Optim.AdamW([cpu], lr: 0.1);
        using var o2 = new Trm.Torch.Optim.AdamW([gpu], lr: 0.1);
        cpu.Grad = Tensors.FromArray(new float[] { 0.5f, 1, -1 });
        gpu.Grad = Tensors.FromArray(new float[] { 0.5f, 1, -1 }).To(Device.Cuda());
        o1.Step();
        o2.Step();
        Assert.That(gpu.To(Device.Cpu).ToArray<float>(), Is.EqualTo(cpu.ToArray<float>()).Within(1e-6));
    }

    [Test]
    public void MemoryStatsSnapshotIsConsistent()
    {
        using var scope = Engine.NewDisposeScope();
        var t = Tensors.Zeros([1 << 20], device: Device.Cuda());
        CudaDevice.Synchronize();
        var stats = CudaDevice.MemoryStats();
        Assert.That(stats.IsSupported, Is.True, stats.UnsupportedReason);
        Assert.That(stats.AllocatedBytes, Is.GreaterThanOrEqualTo(4L << 20));
        Assert.That(stats.ReservedBytes, Is.GreaterThanOrEqualTo(stats.AllocatedBytes));
        Assert.That(stats.PeakAllocatedBytes, Is.GreaterThanOrEqualTo(stats.AllocatedBytes));
        Assert.That(CudaDevice.MemoryStats(CudaDevice.DeviceCount).IsSupported, Is.False);
    }

    [TestCase(DType.Float32, 1e-5)]
    [TestCase(DType.BFloat16, 2e-2)]
    public void FusedKernelsMatchTheUnfusedOps(DType dtype, double tolerance)
    {
        if (!FusedKernels.IsCompiled) Assert.Ignore("shim built without the fused kernels");
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(3);
        var x0 = Tensors.Randn([6, 97, 512], g).To(Device.Cuda()).To(dtype);
        var r0 = Tensors.Randn([6, 97, 512], g).To(Device.Cuda()).To(dtype);
        var gu0 = Tensors.Randn([6, 97, 2 * 384], g).To(Device.Cuda()).To(dtype);
        var dy = Tensors.Randn([6, 97, 512], g).To(Device.Cuda()).To(dtype);
        var dz = Tensors.Randn([6, 97, 384], g).To(Device.Cuda()).To(dtype);
        (Tensor Y, Tensor Z, Tensor Dx, Tensor Dr, Tensor Dgu) Run(bool fused)
        {
            FusedKernels.Enabled = fused;
            try
            {
                var x = x0.Clone().RequiresGrad_();
                var r = r0.Clone().RequiresGrad_();
                var gu = gu0.Clone().RequiresGrad_();
                var y = F.AddRmsNorm(x, r, 1e-5);
                var z = F.SwiGlu(gu);
                ((y.To(DType.Float32) * dy.To(DType.Float32)).Sum() + (z.To(DType.Float32) * dz.To(DType.Float32)).Sum()).Backward();
                return (y.Detach(), z.Detach(), x.Grad!, r.Grad!, gu.Grad!);
            }
            finally
            {
                FusedKernels.Enabled = false;
            }
        }
        var a = Run(true);
        var b = Run(false);
        static void Close(Tensor fused, Tensor plain, double tol, string what)
        {
            var f = fused.To(DType.Float32);
            var p = plain.To(DType.Float32);
            double rel = (f - p).Norm().Item<double>() / Math.Max(p.Norm().Item<double>(), 1e-30);
            Assert.That(rel, Is.LessThan(tol), what);
        }
        Close(a.Y, b.Y, tolerance, "add_rms_norm forward");
        Close(a.Dx, b.Dx, tolerance, "add_rms_norm backward (x)");
        Close(a.Dr, b.Dr, tolerance, "add_rms_norm backward (residual)");
        Close(a.Z, b.Z, tolerance, "swiglu forward");
        Close(a.Dgu, b.Dgu, tolerance, "swiglu backward");
    }

    [Test]
    public void FusedAdamAtan2MatchesTheUnfusedStep()
    {
        if (!FusedKernels.IsCompiled) Assert.Ignore("shim built without the fused kernels");
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(4);
        var p0 = Tensors.Randn([1000], g);
        var grads = Enumerable.Range(0, 3).Select(_ => Tensors.Randn([1000], g).To(Device.Cuda())).ToArray();
        Tensor Run(bool fused)
        {
            FusedKernels.Enabled = fused;
            try
            {
                var p = p0.To(Device.Cuda()).RequiresGrad_();
                using var opt = new Trm.Torch.Optim.AdamAtan2([p], lr: 0.01, weightDecay: 0.1);
                foreach (var grad in grads)
                {
                    p.Grad = grad.Clone();
                    opt.Step();
                }
                return p.Detach().To(Device.Cpu);
            }
            finally
            {
                FusedKernels.Enabled = false;
            }
        }
        var fusedResult = Run(true);
        var plain = Run(false);
        Assert.That(fusedResult.Equal(p0), Is.False, "the step moved nothing");
        Assert.That(fusedResult.AllClose(plain, 1e-5, 1e-6), Is.True);
    }
}

/// <summary>Without CUDA the CUDA API fails with a clear message instead of crashing.</summary>
public class CudaStubTests
{
    [Test]
    public void WithoutCudaEveryEntryPointSaysSo()
    {
        if (CudaDevice.IsCompiled) Assert.Ignore("shim built with CUDA");
        Assert.That(CudaDevice.IsAvailable, Is.False);
        Assert.That(CudaDevice.DeviceCount, Is.EqualTo(0));
        var ex = Assert.Throws<NotSupportedException>(() => CudaDevice.Synchronize())!;
        Assert.That(ex.Message, Does.Contain("built without CUDA"));
        Assert.Throws<NotSupportedException>(() => CudaDevice.EmptyCache());
        Assert.Throws<NotSupportedException>(() => CudaDevice.MemoryAllocated());
        Assert.Throws<NotSupportedException>(() => Autocast.Enter());
        Assert.Throws<NotSupportedException>(() => new CudaGraph());
    }
}
