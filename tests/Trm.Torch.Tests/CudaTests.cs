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
