using Trm.Torch;

namespace Trm.Torch.Tests;

public class AutogradTests
{
    // f(x) = Σ (3x² + sin x) → f'(x) = 6x + cos x
    private static Tensor Fn(Tensor x) => (x.Square() * 3 + x.Sin()).Sum();

    [Test]
    public void GradientMatchesHandDerivedAndFiniteDifferences()
    {
        using var scope = Engine.NewDisposeScope();
        double[] xs = { -1.0, 0.25, 2.0 };
        var x = Tensors.FromArray(xs).RequiresGrad_();
        Fn(x).Backward();
        double[] grad = x.Grad!.ToArray<double>();
        for (int i = 0; i < xs.Length; i++)
        {
            Assert.That(grad[i], Is.EqualTo(6 * xs[i] + Math.Cos(xs[i])).Within(1e-12));
            const double h = 1e-6;
            double[] plus = (double[])xs.Clone(), minus = (double[])xs.Clone();
            plus[i] += h;
            minus[i] -= h;
            using var _ = Engine.NoGrad();
            double fd = (Fn(Tensors.FromArray(plus)).Item<double>() - Fn(Tensors.FromArray(minus)).Item<double>()) / (2 * h);
            Assert.That(grad[i], Is.EqualTo(fd).Within(1e-6));
        }
    }

    [Test]
    public void MatMulGradientsAreOuterProducts()
    {
        using var scope = Engine.NewDisposeScope();
        // y = Σ (W x), dL/dW[i,j] = x[j], dL/dx[j] = Σ_i W[i,j]
        var w = Tensors.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3).RequiresGrad_();
        var x = Tensors.FromArray(new double[] { 7, 8, 9 }, 3, 1).RequiresGrad_();
        w.MatMul(x).Sum().Backward();
        Assert.That(w.Grad!.ToArray<double>(), Is.EqualTo(new double[] { 7, 8, 9, 7, 8, 9 }));
        Assert.That(x.Grad!.ToArray<double>(), Is.EqualTo(new double[] { 5, 7, 9 }));
    }

    [Test]
    public void BackwardWithGradientArgumentAndAccumulation()
    {
        using var scope = Engine.NewDisposeScope();
        var x = Tensors.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        var y = x * x; // dy/dx = 2x, and the product saves its inputs for backward
        y.Backward(Tensors.FromArray(new float[] { 1, 10 }), retainGraph: true);
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 2, 40 }));
        y.Backward(Tensors.FromArray(new float[] { 1, 1 }));
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 4, 44 }), "gradients accumulate");
        Assert.Throws<TorchException>(() => y.Backward(Tensors.FromArray(new float[] { 1, 1 })), "graph freed without retainGraph");
    }

    [Test]
    public void NoGradDetachAndInferenceModeStopRecording()
    {
        using var scope = Engine.NewDisposeScope();
        var x = Tensors.Ones([2], requiresGrad: true);
        Assert.That(Engine.IsGradEnabled, Is.True);
        using (Engine.NoGrad())
        {
            Assert.That(Engine.IsGradEnabled, Is.False);
            Assert.That((x * 2).RequiresGrad, Is.False);
            using (Engine.EnableGrad()) Assert.That((x * 2).RequiresGrad, Is.True);
        }
        Assert.That(Engine.IsGradEnabled, Is.True);
        Assert.That((x * 2).Detach().RequiresGrad, Is.False);
        using (Engine.InferenceMode())
        {
            Assert.That(Engine.IsInferenceMode, Is.True);
            Assert.That((x * 2).RequiresGrad, Is.False);
        }
        Assert.That(Engine.IsInferenceMode, Is.False);
        Assert.That(x.IsLeaf, Is.True);
        Assert.That((x * 2).IsLeaf, Is.False);
    }

    [Test]
    public void GradIsNullUntilComputedAndCanBeReset()
    {
        using var scope = Engine.NewDisposeScope();
        var x = Tensors.Ones([2], requiresGrad: true);
        Assert.That(x.Grad, Is.Null);
        (x * x).Sum().Backward();
        Assert.That(x.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 2, 2 }));
        x.Grad = null;
        Assert.That(x.Grad, Is.Null);
        var ex = Assert.Throws<TorchException>(() => x.Grad = Tensors.Ones([3]))!;
        Assert.That(ex.NativeMessage, Does.Contain("[3]").And.Contain("[2]"));
        Assert.Throws<TorchException>(() => x.Grad = Tensors.Ones([2], DType.Float64));
    }
}
