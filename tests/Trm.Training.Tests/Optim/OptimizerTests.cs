using Trm.Torch;
using Trm.Training.Optim;

namespace Trm.Training.Tests.Optim;

public sealed class OptimizerTests
{
    private static readonly double[] Start = [0.5, -1.25, 2.0, 0.0];
    private static readonly double[][] Grads = [[0.1, -0.2, 0.0, 3.0], [-0.3, -0.2, 0.05, -1.0], [0.2, 0.4, -0.1, 0.5]];

    /// <summary>A parameter whose gradient is set to <paramref name="grad"/> by back-propagating sum(p · grad).</summary>
    private static void SetGrad(Tensor p, double[] grad)
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

    [Test]
    public void AdamAtan2MatchesClosedForm()
    {
        const double lr = 0.01, b1 = 0.9, b2 = 0.95, wd = 0.1;
        using var p = Parameter();
        using var opt = new AdamAtan2([p], b1, b2, wd);
        var expected = (double[])Start.Clone();
        var m = new double[4];
        var v = new double[4];
        for (var t = 1; t <= Grads.Length; t++)
        {
            SetGrad(p, Grads[t - 1]);
            opt.Step(lr);
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
        Assert.That(opt.StepCount, Is.EqualTo(3));
        // The update is bounded by lr·π/2 per step even for the huge relative gradient of element 3.
        Assert.That(Math.Abs(actual[3]), Is.LessThan(3 * lr * Math.PI / 2));
    }

    [Test]
    public void AdamWMatchesClosedForm()
    {
        const double lr = 0.02, b1 = 0.8, b2 = 0.9, wd = 0.5, eps = 1e-8;
        using var p = Parameter();
        using var opt = new AdamWOptimizer([p], b1, b2, eps, wd);
        var expected = (double[])Start.Clone();
        var m = new double[4];
        var v = new double[4];
        for (var t = 1; t <= Grads.Length; t++)
        {
            SetGrad(p, Grads[t - 1]);
            opt.Step(lr);
            for (var i = 0; i < 4; i++)
            {
                var g = Grads[t - 1][i];
                expected[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                expected[i] -= lr / (1 - Math.Pow(b1, t)) * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps);
            }
        }
        Assert.That(p.Detach().ToArray<float>().Select(x => (double)x), Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void StateRoundTripsAndContinuesIdentically()
    {
        using var a = Parameter();
        using var b = Parameter();
        using var optA = new AdamAtan2([a], weightDecay: 0.01);
        using var optB = new AdamAtan2([b], weightDecay: 0.01);
        SetGrad(a, Grads[0]);
        optA.Step(0.1);
        var (tensors, step) = optA.GetState();
        using (Engine.NoGrad()) b.CopyFrom_(a);
        optB.SetState(tensors, step);
        SetGrad(a, Grads[1]);
        SetGrad(b, Grads[1]);
        optA.Step(0.1);
        optB.Step(0.1);
        Assert.That(b.Detach().ToArray<float>(), Is.EqualTo(a.Detach().ToArray<float>()));

        using var wrong = Tensors.Zeros([5]);
        var e = Assert.Throws<InvalidDataException>(() => optB.SetState(new Dictionary<string, Tensor> { ["exp_avg.0"] = wrong, ["exp_avg_sq.0"] = wrong }, 1))!;
        Assert.That(e.Message, Does.Contain("'exp_avg.0' has shape [5], expected [4]"));
    }

    [Test]
    public void ParametersWithoutGradientAreLeftAlone()
    {
        using var p = Parameter();
        using var opt = new AdamAtan2([p], weightDecay: 0.5);
        opt.Step(0.1);
        Assert.That(p.Detach().ToArray<float>(), Is.EqualTo(Start.Select(x => (float)x).ToArray()));
    }

    [Test]
    public void SignSgdUpdatesOnlyTheBatchRows()
    {
        // Table of 4 ids × 2; the batch gathered ids 1, 3, 1 (id 1 twice: its gradients add up before the sign).
        float[] table = [1, 2, 3, 4, 5, 6, 7, 8];
        using var weights = Tensors.FromArray(table, 4, 2);
        using var grad = Tensors.FromArray(new float[] { 0.5f, -0.1f, -2f, 0f, -0.7f, 0.3f }, 3, 2);
        using var ids = Tensors.FromArray(new[] { 1, 3, 1 }, 3);
        const double lr = 0.1, wd = 0.5;
        SparseEmbeddingSignSgd.Step(weights, grad, ids, lr, wd);
        var decay = 1 - lr * wd;
        // id 1: summed grad (-0.2, 0.2) -> sign (-1, 1); id 3: (-2, 0) -> sign (-1, 0).
        var expected = new[]
        {
            1f, 2f,
            (float)(3 * decay + lr), (float)(4 * decay - lr),
            5f, 6f,
            (float)(7 * decay + lr), (float)(8 * decay),
        };
        Assert.That(weights.ToArray<float>(), Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void EmaFollowsTheClosedFormAndSwapsWeights()
    {
        using var module = new Probe();
        using var ema = new ExponentialMovingAverage(module, rate: 0.9);
        using (Engine.NoGrad()) module.Weight.Fill_(1.0);
        ema.Update(); // 0.9·0 + 0.1·1
        using (Engine.NoGrad()) module.Weight.Fill_(3.0);
        ema.Update(); // 0.9·0.1 + 0.1·3
        Assert.That(ema.Shadow["weight"].ToArray<float>(), Is.All.EqualTo(0.39f).Within(1e-6));
        using (ema.Apply())
        {
            Assert.That(module.Weight.ToArray<float>(), Is.All.EqualTo(0.39f).Within(1e-6));
        }
        Assert.That(module.Weight.ToArray<float>(), Is.All.EqualTo(3f));
    }

    private sealed class Probe : Trm.Torch.Nn.Module
    {
        public Probe()
        {
            Weight = RegisterParameter("weight", Tensors.Zeros([2, 3], requiresGrad: true));
        }

        public Tensor Weight { get; }
    }
}
