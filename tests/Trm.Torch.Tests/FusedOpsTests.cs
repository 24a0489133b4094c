using Trm.Torch;
using Trm.Torch.Cuda;

namespace Trm.Torch.Tests;

/// <summary>
/// F.AddRmsNorm and F.SwiGlu against hand-computed values and the unfused ops (the CPU fallbacks; the CUDA kernels are
/// compared with the same ops in CudaTests on a GPU).
/// </summary>
public class FusedOpsTests
{
    private static double Silu(double g) => g / (1 + Math.Exp(-g));

    private static double Sigmoid(double g) => 1 / (1 + Math.Exp(-g));

    [Test]
    public void AddRmsNormIsTheNormOfTheSum()
    {
        using var scope = Engine.NewDisposeScope();
        // [1, 2] + [2, 2] = [3, 4]; rms = sqrt(12.5)
        var y = F.AddRmsNorm(Tensors.FromArray(new float[] { 1, 2 }), Tensors.FromArray(new float[] { 2, 2 }), 0).ToArray<float>();
        Assert.That(y, Is.EqualTo(new[] { 3 / Math.Sqrt(12.5), 4 / Math.Sqrt(12.5) }).Within(1e-6));

        using var g = new Generator(5);
        var x = Tensors.Randn([4, 8], g);
        var r = Tensors.Randn([4, 8], g);
        Assert.That(F.AddRmsNorm(x, r, 1e-5).Equal(F.RmsNorm(x + r, 1e-5)), Is.True, "the fallback must be exactly the unfused ops");
    }

    [Test]
    public void AddRmsNormGradientReachesBothInputs()
    {
        using var scope = Engine.NewDisposeScope();
        var x = Tensors.FromArray(new double[] { 3, 4 }).RequiresGrad_();
        var r = Tensors.FromArray(new double[] { 0, 0 }).RequiresGrad_();
        // loss = y[0]; dy = [1, 0]. dx = rstd·dy − s·rstd³·mean(dy·s) with s = [3, 4], rstd = 1/√12.5, mean(dy·s) = 1.5
        F.AddRmsNorm(x, r, 0).Select(0, 0).Backward();
        double rstd = 1 / Math.Sqrt(12.5), c = rstd * rstd * rstd * 1.5;
        var expected = new[] { rstd - 3 * c, -4 * c };
        Assert.That(x.Grad!.ToArray<double>(), Is.EqualTo(expected).Within(1e-12));
        Assert.That(r.Grad!.ToArray<double>(), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void SwiGluIsSiluOfGateTimesUp()
    {
        using var scope = Engine.NewDisposeScope();
        // gateUp = [gate | up] = [0, 1 | 2, 3] → [silu(0)·2, silu(1)·3]
        var gateUp = Tensors.FromArray(new double[] { 0, 1, 2, 3 }, 1, 4).RequiresGrad_();
        var y = F.SwiGlu(gateUp);
        Assert.That(y.Shape, Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(y.ToArray<double>(), Is.EqualTo(new[] { 0, 3 * Silu(1) }).Within(1e-12));
        y.Sum().Backward();
        // d gate = up·s·(1 + g·(1 − s)), d up = silu(g)
        double s0 = Sigmoid(0), s1 = Sigmoid(1);
        Assert.That(gateUp.Grad!.ToArray<double>(), Is.EqualTo(new[] { 2 * s0, 3 * s1 * (1 + (1 - s1)), Silu(0), Silu(1) }).Within(1e-12));
    }

    [Test]
    public void SwiGluRejectsAnOddWidth()
    {
        using var scope = Engine.NewDisposeScope();
        var ex = Assert.Throws<TorchException>(() => F.SwiGlu(Tensors.Zeros([2, 3])))!;
        Assert.That(ex.Message, Does.Contain("must be even").And.Contain("[2, 3]"));
    }

    [Test]
    public void WithoutTheKernelsTheSwitchSaysSo()
    {
        if (FusedKernels.IsCompiled) Assert.Ignore("shim built with the fused CUDA kernels");
        Assert.That(FusedKernels.Enabled, Is.False);
        var ex = Assert.Throws<NotSupportedException>(() => FusedKernels.Enabled = true)!;
        Assert.That(ex.Message, Does.Contain("built without them"));
        FusedKernels.Enabled = false; // turning them off is always allowed
        Assert.That(FusedKernels.Enabled, Is.False);
    }

    [Test]
    public void MemoryStatsWithoutCudaSayWhy()
    {
        if (CudaDevice.IsCompiled) Assert.Ignore("shim built with CUDA");
        var stats = CudaDevice.MemoryStats();
        Assert.That(stats.IsSupported, Is.False);
        Assert.That(stats.UnsupportedReason, Does.Contain("built without CUDA"));
        Assert.That(stats.PeakAllocatedBytes, Is.Zero);
        Assert.That(stats.ToString(), Does.StartWith("CUDA memory statistics unavailable: trm_native was built without CUDA"));
    }
}
