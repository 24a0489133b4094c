namespace Trm.Model.Tests;

[TestFixture]
public sealed class StablemaxLossTests
{
    [Test]
    public void StablemaxCrossEntropyMatchesHandComputedValues()
    {
        using var scope = NewDisposeScope();
        // Row 1: s = [2, 1/2, 1] → p(0) = 2/3.5, loss = ln 1.75.
        // Row 2: s = [1.5, 1/3, 4] → p(2) = 4/5.8333…, loss = −ln(4/(35/6)).
        // Row 3: ignored label → 0.
        var logits = FromArray(new float[] { 1, -1, 0, 0.5f, -2, 3, 7, 7, 7 }, 1, 3, 3);
        var labels = FromArray(new long[] { 0, 2, -100 }, 1, 3);
        var loss = StablemaxLoss.StablemaxCrossEntropy(logits, labels);
        Assert.That(loss.DType, Is.EqualTo(DType.Float64));
        Assert.That(loss.Shape, Is.EqualTo(new long[] { 1, 3 }));
        var values = loss.ToArray<double>();
        Assert.That(values[0], Is.EqualTo(0.5596157879354227).Within(1e-15));
        Assert.That(values[1], Is.EqualTo(0.37729423114146804).Within(1e-15));
        Assert.That(values[2], Is.EqualTo(0.0));
    }

    [Test]
    public void StablemaxIsComputedInFloat64EvenForFloat32Logits()
    {
        using var scope = NewDisposeScope();
        // Logits [1e8, 0], label 1: s = [1e8 + 1, 1], loss = ln(1e8 + 2) = 18.420680763952365 in float64;
        // float32 would lose the +1 and +2 and give ln(1e8) = 18.420680743952367.
        var logits = FromArray(new float[] { 1e8f, 0 }, 1, 2);
        var labels = FromArray(new long[] { 1 }, 1);
        Assert.That(StablemaxLoss.StablemaxCrossEntropy(logits, labels).Item<double>(), Is.EqualTo(18.420680763952365).Within(1e-12));
    }

    [Test]
    public void SoftmaxCrossEntropyMatchesHandComputedValues()
    {
        using var scope = NewDisposeScope();
        var logits = FromArray(new float[] { 0, 0, 1, 2, 5, 5 }, 3, 2);
        var labels = FromArray(new long[] { 1, 0, -100 }, 3);
        var values = StablemaxLoss.SoftmaxCrossEntropy(logits, labels).ToArray<float>();
        Assert.That(values[0], Is.EqualTo(Math.Log(2)).Within(1e-6));
        Assert.That(values[1], Is.EqualTo(Math.Log(1 + Math.E)).Within(1e-6)); // −log(e¹/(e¹+e²))
        Assert.That(values[2], Is.EqualTo(0f));
    }
}
