using Trm.Torch;

namespace Trm.Torch.Tests;

public class FunctionalTests
{
    private static readonly float[] Logits = { 1, 2, 0.5f, -1, 0, 3, 2, 2, 2 };
    private static readonly long[] Targets = { 1, 2, 0 };

    private static double ManualCe(int row, long target)
    {
        double[] r = Logits.Skip(row * 3).Take(3).Select(v => (double)v).ToArray();
        double lse = Math.Log(r.Sum(Math.Exp));
        return lse - r[target];
    }

    [Test]
    public void CrossEntropyMatchesLogSumExpFormula()
    {
        using var scope = Engine.NewDisposeScope();
        var logits = Tensors.FromArray(Logits, 3, 3);
        var target = Tensors.FromArray(Targets);
        double[] manual = { ManualCe(0, 1), ManualCe(1, 2), ManualCe(2, 0) };
        Assert.That(F.CrossEntropy(logits, target, reduction: Reduction.None).ToArray<float>(), Is.EqualTo(manual).Within(1e-6));
        Assert.That(F.CrossEntropy(logits, target).Item<double>(), Is.EqualTo(manual.Average()).Within(1e-6));
        Assert.That(F.CrossEntropy(logits, target, reduction: Reduction.Sum).Item<double>(), Is.EqualTo(manual.Sum()).Within(1e-5));
        // ignore_index drops row 1 from the mean
        var ignored = Tensors.FromArray(new long[] { 1, -100, 0 });
        Assert.That(F.CrossEntropy(logits, ignored).Item<double>(), Is.EqualTo((manual[0] + manual[2]) / 2).Within(1e-6));
    }

    [Test]
    public void CrossEntropyGradientIsSoftmaxMinusOneHot()
    {
        using var scope = Engine.NewDisposeScope();
        var logits = Tensors.FromArray(Logits, 3, 3).RequiresGrad_();
        F.CrossEntropy(logits, Tensors.FromArray(Targets), reduction: Reduction.Sum).Backward();
        float[] grad = logits.Grad!.ToArray<float>();
        for (int row = 0; row < 3; row++)
        {
            double[] r = Logits.Skip(row * 3).Take(3).Select(v => (double)v).ToArray();
            double z = r.Sum(Math.Exp);
            for (int c = 0; c < 3; c++)
                Assert.That(grad[row * 3 + c], Is.EqualTo(Math.Exp(r[c]) / z - (c == Targets[row] ? 1 : 0)).Within(1e-6));
        }
    }

    [Test]
    public void BinaryCrossEntropyWithLogitsMatchesFormula()
    {
        using var scope = Engine.NewDisposeScope();
        float[] x = { -2, 0, 3 };
        float[] y = { 0, 1, 1 };
        double Expected(int i) => -(y[i] * Math.Log(1 / (1 + Math.Exp(-x[i]))) + (1 - y[i]) * Math.Log(1 - 1 / (1 + Math.Exp(-x[i]))));
        var loss = F.BinaryCrossEntropyWithLogits(Tensors.FromArray(x), Tensors.FromArray(y), Reduction.None).ToArray<float>();
        for (int i = 0; i < 3; i++) Assert.That(loss[i], Is.EqualTo(Expected(i)).Within(1e-6));
    }

    private static float[,] Manual(float[] q, float[] k, float[] v, int l, int s, int d, bool causal)
    {
        var o = new float[l, d];
        for (int i = 0; i < l; i++)
        {
            var w = new double[s];
            for (int j = 0; j < s; j++)
            {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
                w[j] = causal && j > i ? double.NegativeInfinity : dot / Math.Sqrt(d);
            }
            double max = w.Max();
            double z = w.Sum(a => Math.Exp(a - max));
            for (int c = 0; c < d; c++)
            {
                double acc = 0;
                for (int j = 0; j < s; j++) acc += Math.Exp(w[j] - max) / z * v[j * d + c];
                o[i, c] = (float)acc;
            }
        }
        return o;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ScaledDotProductAttentionMatchesManualSoftmaxAttention(bool causal)
    {
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(11);
        const int L = 4, D = 3;
        var q = Tensors.Randn([1, 1, L, D], g);
        var k = Tensors.Randn([1, 1, L, D], g);
        var v = Tensors.Randn([1, 1, L, D], g);
        float[] got = F.ScaledDotProductAttention(q, k, v, isCausal: causal).ToArray<float>();
        var want = Manual(q.ToArray<float>(), k.ToArray<float>(), v.ToArray<float>(), L, L, D, causal);
        for (int i = 0; i < L; i++)
            for (int c = 0; c < D; c++)
                Assert.That(got[i * D + c], Is.EqualTo(want[i, c]).Within(1e-5));
        if (causal) Assert.That(got.Take(D), Is.EqualTo(v.ToArray<float>().Take(D)).Within(1e-6), "first query only sees the first key");
    }

    [Test]
    public void SdpaWithBoolMaskEqualsCausalWhenMaskIsLowerTriangle()
    {
        using var scope = Engine.NewDisposeScope();
        using var g = new Generator(5);
        var q = Tensors.Randn([2, 2, 3, 4], g);
        var k = Tensors.Randn([2, 2, 3, 4], g);
        var v = Tensors.Randn([2, 2, 3, 4], g);
        var mask = Tensors.Ones([3, 3], DType.Bool).Tril();
        Assert.That(F.ScaledDotProductAttention(q, k, v, mask: mask).AllClose(F.ScaledDotProductAttention(q, k, v, isCausal: true), 1e-5, 1e-6));
    }

    [Test]
    public void EmbeddingLinearRmsNormAndDropout()
    {
        using var scope = Engine.NewDisposeScope();
        var w = Tensors.FromArray(new float[] { 0, 1, 2, 3, 4, 5 }, 3, 2);
        Assert.That(F.Embedding(Tensors.FromArray(new long[] { 2, 0 }), w).ToArray<float>(), Is.EqualTo(new float[] { 4, 5, 0, 1 }));
        var x = Tensors.FromArray(new float[] { 1, 2 }, 1, 2);
        var lw = Tensors.FromArray(new float[] { 1, 1, 2, -1 }, 2, 2);
        Assert.That(F.Linear(x, lw, Tensors.FromArray(new float[] { 10, 20 })).ToArray<float>(), Is.EqualTo(new float[] { 13, 20 }));
        // rms of [3,4] = sqrt(12.5)
        var r = F.RmsNorm(Tensors.FromArray(new float[] { 3, 4 }), 0).ToArray<float>();
        Assert.That(r, Is.EqualTo(new[] { 3 / Math.Sqrt(12.5), 4 / Math.Sqrt(12.5) }).Within(1e-6));
        var ones = Tensors.Ones([10000]);
        Assert.That(F.Dropout(ones, 0.5, training: false).Equal(ones), Is.True);
        var dropped = F.Dropout(ones, 0.5, training: true).ToArray<float>();
        Assert.That(dropped.Distinct().OrderBy(a => a), Is.EqualTo(new float[] { 0, 2 }));
        Assert.That(dropped.Average(), Is.EqualTo(1).Within(0.05));
    }
}
