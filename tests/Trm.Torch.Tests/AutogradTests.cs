using Trm.Torch;

namespace Trm.Torch.Tests;

public class AutogradTests
{
    // f(x) = Σ (3x² + sin x) → f'(x) = 6x + cos x
    private static Tensor Fn(Tensor x) => (x.Square() * 3 + x.Sin()).Sum();

    [Test]
    public void GradientMatchesHandDerivedAndFiniteDifferences()
    {
        using var scope = Torch.NewDisposeScope();
        double[] xs = { -1.0, 0.25, 2.0 };
        var x = Torch.FromArray(xs).RequiresGrad_();
        Fn(x).Backward();
        double[] grad = x.Grad!.ToArray<double>();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.That(grad[i], Is.EqualTo(6 * xs[i] + Math.Cos(xs[i])).Within(1e-12));
            const double h = 1e-6;
            double[] plus = (double[])xs.Clone(), minus = (double[])xs.Clone();
            plus[i] += h;
            minus[i] -= h;
            using var _ = Torch.NoGrad();
            double fd = (Fn(Torch.FromArray(plus)).Item<double>() - Fn(Torch.FromArray(minus)).Item<double>()) / (2 * h);
            Assert.That(grad[i], Is.EqualTo(fd).Within(1e-6));
        }
    }

    [Test]
    public void MatMulGradientsAreOuterProducts()
    {
        using var scope = Torch.NewDisposeScope();
        // y = Σ (W x), dL/dW[i,j] = x[j], dL/dx[j] = Σ_i W[i,j]
        var w = Torch.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3).RequiresGrad_();
        var x = Torch.FromArray(new double[] { 7, 8, 9 }, 3, 1).RequiresGrad_();
        w.MatMul(x).Sum().Backward();
        Assert.That(w.Grad!.ToArray<double>(), Is.EqualTo(new double[] { 7, 8, 9, 7, 8, 9 }));
        Assert.That(x.Grad!.ToArray<double>(), Is.EqualTo(new double[] { 5, 7, 9 }));
    }

    [Test]
    public void BackwardWithGradientArgumentAndAccumulation()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        var y = x * x; // dy/dx = 2x, and the product saves its inputs for backward
        y.Backward(Torch.FromArray(new float[] { 1, 10 }), retainGraph: true);
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 2, 40 }));
        y.Backward(Torch.FromArray(new float[] { 1, 1 }));
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 4, 44 }), "gradients accumulate");
        Assert.Throws<TorchException>(() => y.Backward(Torch.FromArray(new float[] { 1, 1 })), "graph freed without retainGraph");
    }

    [Test]
    public void NoGradDetachAndInferenceModeStopRecording()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Ones([2], requiresGrad: true);
        Assert.That(Torch.IsGradEnabled, Is.True);
        using (Torch.NoGrad())
        {
            Assert.That(Torch.IsGradEnabled, Is.False);
            Assert.That((x * 2).RequiresGrad, Is.False);
            using (Torch.EnableGrad()) Assert.That((x * 2).RequiresGrad, Is.True);
        }
        Assert.That(Torch.IsGradEnabled, Is.True);
        Assert.That((x * 2).Detach().RequiresGrad, Is.False);
        using (Torch.InferenceMode())
        {
            Assert.That(Torch.IsInferenceMode, Is.True);
            Assert.That((x * 2).RequiresGrad, Is.False);
        }
        Assert.That(Torch.IsInferenceMode, Is.False);
        Assert.That(x.IsLeaf, Is.True);
        Assert.That((x * 2).IsLeaf, Is.False);
    }

    [Test]
    public void GradIsNullUntilComputedAndCanBeReset()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Torch.Ones([2], requiresGrad: true);
        Assert.That(x.Grad, Is.Null);
        (x * x).Sum().Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 2, 2 }));
        x.Grad = null;
        Assert.That(x.Grad, Is.Null);
        var ex = Assert.Throws<TorchException>(() => x.Grad = Torch.Ones([3]))!;
        Assert.That(ex.NativeMessage, Does.Contain("[3]").And.Contain("[2]"));
        Assert.Throws<TorchException>(() => x.Grad = Torch.Ones([2], DType.Float64));
    }
}
