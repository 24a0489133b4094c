using Trm.Torch.Optim;

namespace Trm.Torch.Tests.Optim;

/// <summary>AdamATan2 against its closed form (moved with the optimizer from Trm.Training; same assertions).</summary>
public sealed class AdamAtan2Tests
{
    private static readonly double[] Start = [0.5, -1.25, 2.0, 0.0];
    private static readonly double[][] Grads = [[0.1, -0.2, 0.0, 3.0], [-0.3, -0.2, 0.05, -1.0], [0.2, 0.4, -0.1, 0.5]];

    /// <summary>Sets the gradient of <paramref name="p"/> to <paramref name="grad"/> by back-propagating sum(p · grad).</summary>
    internal static void SetGrad(Tensor p, double[] grad)
    {
        using var scope = Engine.NewDisposeScope();
        p.Grad?.Zero_();
        var g = Tensors.FromArray(grad.Select(x => (float)x).ToArray(), grad.Length);
        (p * g).Sum().Backward();
    }

    private static Tensor Parameter()
    {
        var p = Tensors.FromArray(Start.Select(x => (float)x).ToArray(), Start.Length);
        p.RequiresGrad = true;
        return p;
    }

    private static double Steps(Optimizer optimizer, int parameter = 0) => optimizer.StateDict().Scalars[$"state.0.{parameter}.step"];

    [Test]
    public void AdamAtan2MatchesClosedForm()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.95, wd = 0.1;
        using var p = Parameter();
        using var opt = new AdamAtan2([p], lr, b1, b2, wd);
        var expected = (double[])Start.Clone();
        var m = new double[4];
        var v = new double[4];
        for (var t = 1; t <= Grads.Length; t++)
        {
            SetGrad(p, Grads[t - 1]);
            opt.Step();
            for (var i = 0; i < 4; i++)
            {
                var g = Grads[t - 1][i];
                expected[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                expected[i] -= lr * Math.Atan2(m[i] / (1 - Math.Pow(b1, t)), Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t)));
            }
        }
        var actual = p.Detach().ToArray<float>();
        Assert.That(actual.Select(x => (double)x), Is.EqualTo(expected).Within(1e-6));
        Assert.That(Steps(opt), Is.EqualTo(3));
        // The update is bounded by lr·π/2 per step even for the huge relative gradient of element 3.
        Assert.That(Math.Abs(actual[3]), Is.LessThan(3 * lr * Math.PI / 2));
    }

    [Test]
    public void GroupsUseTheirOwnRateDecayAndBetas()
    {
        // One step from zero moments: m̂ = g, √v̂ = |g|, so the update is lr·atan2(g, |g|) = lr·π/4·sign(g) for any betas.
        using var a = Parameter();
        using var b = Parameter();
        using var opt = new AdamAtan2([new ParamGroup([a]), new ParamGroup([b], lr: 0.1, weightDecay: 0, beta1: 0.5, beta2: 0.5)], lr: 0.01, weightDecay: 0.5);
        SetGrad(a, [1, -1, 2, 0]);
        SetGrad(b, [1, -1, 2, 0]);
        opt.Step();
        double[] signs = [1, -1, 1, 0];
        Assert.That(a.Detach().ToArray<float>().Select(x => (double)x),
            Is.EqualTo(Start.Select((x, i) => x * (1 - 0.01 * 0.5) - 0.01 * Math.PI / 4 * signs[i])).Within(1e-6));
        Assert.That(b.Detach().ToArray<float>().Select(x => (double)x),
            Is.EqualTo(Start.Select((x, i) => x - 0.1 * Math.PI / 4 * signs[i])).Within(1e-6));
        Assert.That(opt.ParamGroups[1].Beta2, Is.EqualTo(0.5));
        Assert.That(opt.ParamGroups[0].Beta2, Is.EqualTo(0.95), "the optimizer's default (the reference's β₂)");
    }

    [Test]
    public void StateRoundTripsAndContinuesIdentically()
    {
        using var a = Parameter();
        using var b = Parameter();
        using var optA = new AdamAtan2([a], lr: 0.1, weightDecay: 0.01);
        using var optB = new AdamAtan2([b], lr: 0.1, weightDecay: 0.01);
        SetGrad(a, Grads[0]);
        optA.Step();
        // Through strings, as a checkpoint stores it (tensors + metadata).
        var saved = optA.StateDict();
        optB.LoadStateDict(OptimizerState.FromMetadata(saved.Tensors, saved.ToMetadata()));
        using (Engine.NoGrad()) b.CopyFrom_(a);
        SetGrad(a, Grads[1]);
        SetGrad(b, Grads[1]);
        optA.Step();
        optB.Step();
        Assert.That(b.Detach().ToArray<float>(), Is.EqualTo(a.Detach().ToArray<float>()));
        Assert.That(Steps(optB), Is.EqualTo(2));

        using var wrong = Tensors.Zeros([5]);
        var bad = new OptimizerState(new Dictionary<string, Tensor> { ["state.0.0.exp_avg"] = wrong, ["state.0.0.exp_avg_sq"] = wrong }, saved.Scalars);
        var e = Assert.Throws<ArgumentException>(() => optB.LoadStateDict(bad))!;
        Assert.That(e.Message, Does.Contain("'state.0.0.exp_avg' has shape [5], the parameter has [4]"));
    }

    [Test]
    public void ParametersWithoutGradientAreLeftAlone()
    {
        using var p = Parameter();
        using var opt = new AdamAtan2([p], lr: 0.1, weightDecay: 0.5);
        opt.Step();
        Assert.That(p.Detach().ToArray<float>(), Is.EqualTo(Start.Select(x => (float)x).ToArray()));
        Assert.That(Steps(opt), Is.EqualTo(0), "no gradient, no step counted");
    }
}
