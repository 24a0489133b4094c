using Trm.Torch.Native;
using Trm.Torch.Optim;

namespace Trm.Torch.Tests;

public class OptimizerTests
{
    // Reference AdamW in plain doubles (PyTorch's algorithm).
    private static double[] RefAdamW(double[] p, double[][] grads, double lr, double b1, double b2, double eps, double wd)
    {
        var x = (double[])p.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (int t = 1; t <= grads.Length; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = grads[t - 1][i];
                x[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double denom = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps;
                x[i] -= lr / (1 - Math.Pow(b1, t)) * m[i] / denom;
            }
        }
        return x;
    }

    [Test]
    public void AdamWMatchesClosedFormUpdateOverThreeSteps()
    {
        using var scope = Engine.NewDisposeScope();
        double[] init = { 1.0, -2.0, 0.5 };
        double[][] grads = { new[] { 0.1, -0.3, 2.0 }, new[] { -0.2, 0.1, 1.0 }, new[] { 0.05, 0.0, -4.0 } };
        var p = Tensors.FromArray((double[])init.Clone()).RequiresGrad_();
        using var opt = new AdamW([p], lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1);
        foreach (var g in grads)
        {
            p.Grad = Tensors.FromArray(g);
            opt.Step();
        }
        Assert.That(p.ToArray<double>(), Is.EqualTo(RefAdamW(init, grads, 0.01, 0.9, 0.99, 1e-8, 0.1)).Within(1e-12));
        // first step of Adam moves each coordinate by ~lr·sign(g) (plus the decay)
        Assert.That(opt.StateDict().Scalars["state.0.0.step"], Is.EqualTo(3));
    }

    [Test]
    public void MultiTensorAndPerTensorAdamWAgree()
    {
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(4);
        Tensor[] MakeParams() => [Tensors.Randn([3, 4], g).RequiresGrad_(), Tensors.Randn([5], g).RequiresGrad_(), Tensors.Randn([2], g).RequiresGrad_()];
        var a = MakeParams();
        var b = a.Select(t => t.Detach().Clone().RequiresGrad_()).ToArray();
        using var loop = new AdamW(a, lr: 0.01, weightDecay: 0.1) { Implementation = AdamWMode.Loop };
        using var multi = new AdamW(b, lr: 0.01, weightDecay: 0.1) { Implementation = AdamWMode.ForEach };
        for (int step = 0; step < 4; step++)
        {
            for (int i = 0; i < a.Length; i++)
            {
                if (step == 1 && i == 2) { a[i].Grad = null; b[i].Grad = null; continue; } // uneven step counts
                var grad = Tensors.Randn(a[i].Shape, g);
                a[i].Grad = grad;
                b[i].Grad = grad.Clone();
            }
            loop.Step();
            multi.Step();
        }
        for (int i = 0; i < a.Length; i++) Assert.That(b[i].AllClose(a[i], 1e-6, 1e-7), Is.True, $"param {i}");
        Assert.That(multi.StateDict().Scalars["state.0.2.step"], Is.EqualTo(3));
    }

    [Test]
    public void ParamGroupsUseTheirOwnLearningRateAndDecay()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensors.FromArray(new double[] { 1 }).RequiresGrad_();
        var b = Tensors.FromArray(new double[] { 1 }).RequiresGrad_();
        using var opt = new AdamW([new ParamGroup([a]), new ParamGroup([b], lr: 0.1, weightDecay: 0)], lr: 0.01, weightDecay: 0.5);
        a.Grad = Tensors.FromArray(new double[] { 1 });
        b.Grad = Tensors.FromArray(new double[] { 1 });
        opt.Step();
        Assert.That(a.Item<double>(), Is.EqualTo(RefAdamW([1], [[1]], 0.01, 0.9, 0.999, 1e-8, 0.5)[0]).Within(1e-12));
        Assert.That(b.Item<double>(), Is.EqualTo(RefAdamW([1], [[1]], 0.1, 0.9, 0.999, 1e-8, 0)[0]).Within(1e-12));
        opt.ScaleLearningRates(0.5);
        Assert.That(opt.ParamGroups.Select(g => g.Lr), Is.EqualTo(new[] { 0.005, 0.05 }));
    }

    [Test]
    public void ParametersWithoutGradientsAreSkipped()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensors.FromArray(new double[] { 1 }).RequiresGrad_();
        var b = Tensors.FromArray(new double[] { 1 }).RequiresGrad_();
        using var opt = new AdamW([a, b], lr: 0.1, weightDecay: 0.5);
        a.Grad = Tensors.FromArray(new double[] { 1 });
        opt.Step();
        Assert.That(b.Item<double>(), Is.EqualTo(1), "no grad → untouched, not even decayed");
        Assert.That(opt.StateDict().Scalars["state.0.1.step"], Is.EqualTo(0));
    }

    [Test]
    public void SgdWithMomentumMatchesHandComputedSteps()
    {
        using var scope = Engine.NewDisposeScope();
        var p = Tensors.FromArray(new double[] { 1 }).RequiresGrad_();
        using var opt = new Sgd([p], lr: 0.1, momentum: 0.9, weightDecay: 0.01);
        // step 1: d = 2 + 0.01·1 = 2.01; buf = 2.01; p = 1 − 0.201 = 0.799
        p.Grad = Tensors.FromArray(new double[] { 2 });
        opt.Step();
        Assert.That(p.Item<double>(), Is.EqualTo(0.799).Within(1e-12));
        // step 2: d = 1 + 0.00799 = 1.00799; buf = 0.9·2.01 + 1.00799 = 2.81699; p = 0.799 − 0.281699
        p.Grad = Tensors.FromArray(new double[] { 1 });
        opt.Step();
        Assert.That(p.Item<double>(), Is.EqualTo(0.799 - 0.281699).Within(1e-12));
        Assert.That(opt.StateDict().Scalars["state.0.0.step"], Is.EqualTo(2));
        var idle = Tensors.FromArray(new double[] { 3 }).RequiresGrad_();
        using var plain = new Sgd([idle], lr: 0.5);
        plain.Step();
        Assert.That(idle.Item<double>(), Is.EqualTo(3), "no gradient: untouched");
        Assert.That(plain.StateDict().Scalars["state.0.0.step"], Is.EqualTo(0), "and not counted");
        Assert.That(plain.StateDict().Tensors, Is.Empty);
    }

    [Test]
    public void StateDictRoundTripResumesExactly()
    {
        using var scope = Engine.NewDisposeScope();
        double[][] grads = { new[] { 0.3, -1 }, new[] { 0.2, 0.5 }, new[] { -0.7, 0.1 } };
        var p1 = Tensors.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        var p2 = Tensors.FromArray(new double[] { 1, 2 }).RequiresGrad_();
        using var o1 = new AdamW([p1], lr: 0.05);
        using var o2 = new AdamW([p2], lr: 0.05);
        for (int i = 0; i < 2; i++)
        {
            p1.Grad = Tensors.FromArray(grads[i]);
            o1.Step();
        }
        o2.LoadStateDict(o1.StateDict());
        using (Engine.NoGrad()) p2.CopyFrom_(p1);
        p1.Grad = Tensors.FromArray(grads[2]);
        p2.Grad = Tensors.FromArray(grads[2]);
        o1.Step();
        o2.Step();
        Assert.That(p2.ToArray<double>(), Is.EqualTo(p1.ToArray<double>()));
        var bad = new OptimizerState(new Dictionary<string, Tensor>(), new Dictionary<string, double>());
        Assert.That(Assert.Throws<ArgumentException>(() => o2.LoadStateDict(bad))!.Message, Does.Contain("group.0.lr"));
    }

    [Test]
    public void ClipGradNormScalesToTheGlobalNorm()
    {
        using var scope = Engine.NewDisposeScope();
        var a = Tensors.Zeros([2], requiresGrad: true);
        var b = Tensors.Zeros([1], requiresGrad: true);
        var c = Tensors.Zeros([1], requiresGrad: true); // no grad: skipped
        a.Grad = Tensors.FromArray(new float[] { 3, 4 });
        b.Grad = Tensors.FromArray(new float[] { 12 });
        double norm = GradClip.ClipGradNorm_([a, b, c], 6.5);
        Assert.That(norm, Is.EqualTo(13).Within(1e-5));
        Assert.That(a.Grad!.ToArray<float>(), Is.EqualTo(new float[] { 1.5f, 2 }).Within(1e-5));
        Assert.That(b.Grad!.Item<float>(), Is.EqualTo(6).Within(1e-5));
        Assert.That(GradClip.ClipGradNorm_([a, b], 100), Is.EqualTo(6.5).Within(1e-5));
        Assert.That(b.Grad!.Item<float>(), Is.EqualTo(6).Within(1e-5), "under the limit: unchanged");
    }

    [Test]
    public void ForEachLerpComputesAnEma()
    {
        using var scope = Engine.NewDisposeScope();
        var ema = Tensors.Zeros([2]);
        var w = Tensors.FromArray(new float[] { 10, 20 });
        ForEach.Lerp_([ema], [w], 0.1);
        Assert.That(ema.ToArray<float>(), Is.EqualTo(new float[] { 1, 2 }).Within(1e-6));
        ForEach.Copy_([ema], [w]);
        Assert.That(ema.ToArray<float>(), Is.EqualTo(new float[] { 10, 20 }));
    }
}
