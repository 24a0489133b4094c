using Trm.Torch.Optim;

namespace Trm.Torch.Tests.Optim;

/// <summary>The fused AdamW on float32 parameters with the trainer's settings (moved from Trm.Training's AdamW test; same assertion).</summary>
public sealed class AdamWTests
{
    private static readonly double[] Start = [0.5, -1.25, 2.0, 0.0];
    private static readonly double[][] Grads = [[0.1, -0.2, 0.0, 3.0], [-0.3, -0.2, 0.05, -1.0], [0.2, 0.4, -0.1, 0.5]];

    [Test]
    public void AdamWMatchesClosedForm()
    {
        const double lr = 0.02, b1 = 0.8, b2 = 0.9, wd = 0.5, eps = 1e-8;
        using var p = Tensors.FromArray(Start.Select(x => (float)x).ToArray(), Start.Length);
        p.RequiresGrad = true;
        using var opt = new AdamW([p], lr, b1, b2, eps, wd);
        var expected = (double[])Start.Clone();
        var m = new double[4];
        var v = new double[4];
        for (var t = 1; t <= Grads.Length; t++)
        {
            AdamAtan2Tests.SetGrad(p, Grads[t - 1]);
            opt.Step();
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
}
