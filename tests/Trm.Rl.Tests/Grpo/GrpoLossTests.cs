using Trm.Rl.Grpo;
using Trm.Torch;
using static Trm.Torch.Engine;

namespace Trm.Rl.Tests.Grpo;

public class GrpoLossTests
{
    // Two sequences of two tokens; the second sequence's last token is padding.
    // ratios r = [[1.5, 0.5], [0.9, 2.0]] (old log-probs 0), advantages [1, −2], bounds [0.8, 1.2].
    private static readonly float[] Ratios = [1.5f, 0.5f, 0.9f, 2.0f];
    private static readonly float[] Mask = [1, 1, 1, 0];
    private static readonly GrpoOptions Bounds = new() { ClipLow = 0.2, ClipHigh = 0.2 };

    [Test]
    public void AdvantagesAreGroupRelative()
    {
        double[] rewards = [1, 0, 0, 1, 0.5, 0.5, 0.5, 0.5];
        Assert.That(GrpoLoss.Advantages(rewards, 4), Is.EqualTo(new[] { 0.5, -0.5, -0.5, 0.5, 0, 0, 0, 0 }));
        // sample std of {1, 0, 0, 1} is sqrt(1/3) = 0.57735; 0.5 / 0.57745 = 0.865876
        Assert.That(GrpoLoss.Advantages(rewards, 4, normalizeStd: true), Is.EqualTo(new[] { 0.865876, -0.865876, -0.865876, 0.865876, 0, 0, 0, 0 }).Within(1e-6));
        Assert.That(GrpoLoss.Advantages([10, 0, 3, 3], 2, clip: 3), Is.EqualTo(new[] { 3.0, -3.0, 0, 0 }));
        Assert.That(GrpoLoss.InformativeGroups(rewards, 4), Is.EqualTo(new[] { true, false }));
        Assert.Throws<ArgumentException>(() => GrpoLoss.Advantages([1, 2, 3], 2));
    }

    [TestCase(GrpoClipMode.None, -0.2 / 3, 0.0, new[] { -1.5 / 3, -0.5 / 3, 1.8 / 3, 0 })]
    [TestCase(GrpoClipMode.Ppo, 0.1 / 3, 1.0 / 3, new[] { 0, -0.5 / 3, 1.8 / 3, 0 })]
    [TestCase(GrpoClipMode.Truncated, -0.2 / 3, 2.0 / 3, new[] { 0, 0, 1.8 / 3, 0 })]
    public void PolicyLossAndGradientMatchHandComputedValues(GrpoClipMode mode, double loss, double clipFraction, double[] gradient)
    {
        // None:      obj = r·A = 1.5, 0.5, −1.8               → −0.2 / 3 tokens
        // PPO:       min(r·A, clip(r)·A) = 1.2, 0.5, −1.8      → +0.1 / 3; token 1 clipped (A > 0, r > 1.2)
        // Truncated: clip(r)·A = 1.2, 0.8, −1.8               → −0.2 / 3; tokens 1 and 2 out of bounds
        using var scope = NewDisposeScope();
        var logProbs = Tensors.FromArray(Ratios.Select(r => MathF.Log(r)).ToArray(), 2, 2).RequiresGrad_();
        var result = GrpoLoss.Compute(logProbs, Tensors.Zeros([2, 2]), null, Tensors.FromArray(new float[] { 1, -2 }, 2), Tensors.FromArray(Mask, 2, 2), Bounds with { ClipMode = mode });
        Assert.That(result.PolicyLoss, Is.EqualTo(loss).Within(1e-6));
        Assert.That(result.Loss.Item<float>(), Is.EqualTo(loss).Within(1e-6));
        Assert.That(result.ClipFraction, Is.EqualTo(clipFraction).Within(1e-6));
        Assert.That(result.Kl, Is.EqualTo(0.0));
        result.Loss.Backward();
        Assert.That(logProbs.Grad!.ToArray<float>(), Is.EqualTo(gradient).Within(1e-6));
    }

    [Test]
    public void K3KlMatchesHandComputedValues()
    {
        using var scope = NewDisposeScope();
        var policy = Tensors.FromArray(new float[] { -1, -2, -0.5f, -0.5f }, 2, 2);
        var reference = Tensors.FromArray(new float[] { -1.5f, -2.5f, -0.7f, -9f }, 2, 2);
        var mask = Tensors.FromArray(Mask, 2, 2);
        // x = [0.5, 0.2] (the masked token ignored): mean(e^0.5 − 1.5, e^0.2 − 1.2) = mean(0.1487213, 0.0214028)
        Assert.That(GrpoLoss.K3Kl(policy, reference, mask).Item<float>(), Is.EqualTo(0.0850620).Within(1e-6));
        // the per-sequence log-ratio is clamped to ±10: e^10 − 11
        var far = Tensors.FromArray(new float[] { 20, 20 }, 1, 2);
        Assert.That(GrpoLoss.K3Kl(far, Tensors.Zeros([1, 2]), Tensors.Ones([1, 2])).Item<float>(), Is.EqualTo(22015.4658).Within(0.05));
        Assert.That(GrpoLoss.K3Kl(policy, policy, mask).Item<float>(), Is.EqualTo(0f));
    }

    [Test]
    public void KlTermIsAddedWithItsCoefficient()
    {
        using var scope = NewDisposeScope();
        var policy = Tensors.FromArray(new float[] { -1, -2, -0.5f, -0.5f }, 2, 2);
        var reference = Tensors.FromArray(new float[] { -1.5f, -2.5f, -0.7f, -9f }, 2, 2);
        var result = GrpoLoss.Compute(policy, policy, reference, Tensors.Zeros([2]), Tensors.FromArray(Mask, 2, 2), Bounds with { KlCoef = 0.5 });
        Assert.That(result.Kl, Is.EqualTo(0.0850620).Within(1e-6));
        Assert.That(result.Loss.Item<float>(), Is.EqualTo(0.5 * 0.0850620).Within(1e-6));
    }

    [Test]
    public void ZeroAdvantageGroupGetsNoGradient()
    {
        using var scope = NewDisposeScope();
        // rows 0–1: a group whose rewards were equal (advantage 0); rows 2–3: a group with signal
        var logProbs = Tensors.FromArray(new float[] { -0.1f, -0.2f, -0.3f, -0.4f, -0.5f, -0.6f, -0.7f, -0.8f }, 4, 2).RequiresGrad_();
        var old = Tensors.FromArray(new float[] { -0.2f, -0.1f, -0.3f, -0.5f, -0.4f, -0.6f, -0.9f, -0.8f }, 4, 2);
        var result = GrpoLoss.Compute(logProbs, old, null, Tensors.FromArray(new float[] { 0, 0, 1, -1 }, 4), Tensors.Ones([4, 2]), Bounds with { ClipMode = GrpoClipMode.Ppo });
        result.Loss.Backward();
        var grad = logProbs.Grad!.ToArray<float>();
        Assert.That(grad[..4], Is.All.EqualTo(0f));
        Assert.That(grad[4..].Count(g => g != 0), Is.EqualTo(4));
    }

    [TestCase(GrpoLengthPenalty.None, 150, 0.0)]
    [TestCase(GrpoLengthPenalty.Linear, 100, 0.0)]
    [TestCase(GrpoLengthPenalty.Linear, 150, 0.5 * 50)]
    [TestCase(GrpoLengthPenalty.Dapo, 150, 0.5 * 50 / 100.0)]
    public void LengthPenaltyPenalisesOnlyTokensOverTheTarget(GrpoLengthPenalty kind, int length, double expected) =>
        Assert.That(GrpoLoss.LengthPenalty(length, new GrpoOptions { LengthPenalty = kind, LengthPenaltyCoef = 0.5, LengthPenaltyTarget = 100 }), Is.EqualTo(expected).Within(1e-12));
}
