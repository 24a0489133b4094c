using Trm.Inference.Generation;

namespace Trm.Inference.Tests.Generation;

/// <summary>The sampling rule against distributions computed by hand on logits [2, 1, 0, −1].</summary>
public sealed class TokenSamplerTests
{
    private static readonly float[] Logits = [2f, 1f, 0f, -1f];

    // softmax([2, 1, 0, -1]) = e^{2,1,0,-1} / 11.4752 (e² = 7.38906, e = 2.71828, 1, e⁻¹ = 0.36788)
    private static readonly double[] Softmax = [0.643914, 0.236883, 0.087144, 0.032059];

    [Test]
    public void TemperatureOneIsTheSoftmax() =>
        Assert.That(TokenSampler.Distribution(Logits, 1.0), Is.EqualTo(Softmax).Within(1e-6));

    [Test]
    public void TemperatureTwoFlattens() =>
        // softmax([1, 0.5, 0, -0.5]) = [2.71828, 1.64872, 1, 0.60653] / 5.97353
        Assert.That(TokenSampler.Distribution(Logits, 2.0), Is.EqualTo(new[] { 0.455054, 0.276004, 0.167405, 0.101536 }).Within(1e-6));

    [Test]
    public void TopKKeepsTheKBest() =>
        // e², e over their sum 10.10734
        Assert.That(TokenSampler.Distribution(Logits, 1.0, topK: 2), Is.EqualTo(new[] { 0.731059, 0.268941, 0, 0 }).Within(1e-6));

    [Test]
    public void TopKKeepsTiesAtTheKth() =>
        Assert.That(TokenSampler.Distribution([1f, 0f, 0f, -5f], 1.0, topK: 2), Is.EqualTo(new[] { 0.576117, 0.211942, 0.211942, 0 }).Within(1e-6));

    [Test]
    public void TopPKeepsTheSmallestSetReachingP()
    {
        // cumulative 0.6439 < 0.8 → the second token is needed; 0.8808 ≥ 0.8 → stop.
        Assert.That(TokenSampler.Distribution(Logits, 1.0, topP: 0.8), Is.EqualTo(new[] { 0.731059, 0.268941, 0, 0 }).Within(1e-6));
        // 0.6439 ≥ 0.5: the best token alone.
        Assert.That(TokenSampler.Distribution(Logits, 1.0, topP: 0.5), Is.EqualTo(new[] { 1.0, 0, 0, 0 }));
        // 0.9 needs three: [0.643914, 0.236883, 0.087144] / 0.967941.
        Assert.That(TokenSampler.Distribution(Logits, 1.0, topP: 0.9), Is.EqualTo(new[] { 0.665241, 0.244728, 0.090031, 0 }).Within(1e-6));
    }

    [Test]
    public void TopKThenTopP() =>
        // top-k 3 → [7.38906, 2.71828, 1]/11.10734 = [0.665241, 0.244728, 0.090031]; top-p 0.7 needs two.
        Assert.That(TokenSampler.Distribution(Logits, 1.0, topK: 3, topP: 0.7), Is.EqualTo(new[] { 0.731059, 0.268941, 0, 0 }).Within(1e-6));

    [Test]
    public void GreedyAndNaNGiveTheArgMax()
    {
        Assert.That(TokenSampler.Distribution(Logits, 0.0), Is.EqualTo(new[] { 1.0, 0, 0, 0 }));
        Assert.That(TokenSampler.Distribution([0f, float.NaN, 3f, 3f], 1.0), Is.EqualTo(new[] { 0.0, 0, 1, 0 }), "NaN → greedy, first of the tied best");
    }

    [Test]
    public void LogProbabilityIsLogSoftmax() =>
        Assert.That(TokenSampler.LogProbability(Logits, 1), Is.EqualTo(Math.Log(0.236883)).Within(1e-5));

    [Test]
    public void SamplingFollowsTheDistribution()
    {
        var probabilities = TokenSampler.Distribution(Logits, 1.0, topK: 3);
        var random = new Random(5);
        var counts = new int[4];
        for (int i = 0; i < 20000; i++) counts[TokenSampler.Sample(probabilities, random)]++;
        Assert.That(counts[3], Is.Zero, "top-k removed token never drawn");
        for (int i = 0; i < 3; i++) Assert.That(counts[i] / 20000.0, Is.EqualTo(probabilities[i]).Within(0.015));
    }
}
