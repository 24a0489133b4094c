using Trm.Torch;

namespace Trm.Rl.Grpo;

/// <summary>
/// The pieces of GRPO's objective, as plain functions with known answers: group advantages, the clipped token-level
/// policy loss and the k3 KL penalty.
/// <code>
/// A_i      = r_i − mean(r_group)            (÷ (std + 1e-4) optionally; clipped to ±c optionally)
/// ratio_t  = exp(logp_t − logp_old_t)
/// obj_t    = ratio·A | min(ratio·A, clip(ratio, 1−ε_low, 1+ε_high)·A) | clip(ratio, 1−ε_low, 1+ε_high)·A
/// pg       = −Σ_t mask_t·obj_t / Σ_t mask_t              (token-level normalisation over the minibatch)
/// x_i      = clamp(Σ_t mask_t (logp_t − logp_ref_t) / Σ_t mask_t, ±10)
/// kl       = mean_i(exp(x_i) − 1 − x_i)                  (k3)
/// loss     = pg + kl_coef · kl
/// </code>
/// </summary>
public static class GrpoLoss
{
    /// <summary>The bound of the per-sequence log-ratio in the KL estimate.</summary>
    public const double KlLogRatioClamp = 10.0;

    /// <summary>Added to the group's standard deviation when advantages are normalised.</summary>
    public const double StdEpsilon = 1e-4;

    /// <summary>
    /// Advantages of <paramref name="rewards"/> laid out as consecutive groups of <paramref name="groupSize"/>: reward
    /// minus the group mean, divided by the group's (sample) standard deviation + 1e-4 when
    /// <paramref name="normalizeStd"/>, then clipped to ±<paramref name="clip"/> when it is positive.
    /// </summary>
    /// <exception cref="ArgumentException">The rewards do not fill whole groups, or one is not finite.</exception>
    public static double[] Advantages(IReadOnlyList<double> rewards, int groupSize, bool normalizeStd = false, double clip = 0)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        if (rewards.Count % groupSize != 0) throw new ArgumentException($"{rewards.Count} rewards do not fill groups of {groupSize}", nameof(rewards));
        if (rewards.Any(r => !double.IsFinite(r))) throw new ArgumentException("a reward is not finite", nameof(rewards));
        var advantages = new double[rewards.Count];
        for (int start = 0; start < rewards.Count; start += groupSize)
        {
            double mean = 0;
            for (int i = 0; i < groupSize; i++) mean += rewards[start + i];
            mean /= groupSize;
            double scale = 1;
            if (normalizeStd)
            {
                double squares = 0;
                for (int i = 0; i < groupSize; i++) squares += (rewards[start + i] - mean) * (rewards[start + i] - mean);
                double std = groupSize > 1 ? Math.Sqrt(squares / (groupSize - 1)) : 0;
                scale = 1 / (std + StdEpsilon);
            }
            for (int i = 0; i < groupSize; i++)
            {
                var a = (rewards[start + i] - mean) * scale;
                advantages[start + i] = clip > 0 ? Math.Clamp(a, -clip, clip) : a;
            }
        }
        return advantages;
    }

    /// <summary>
    /// The length penalty subtracted from a reward: 0 up to <see cref="GrpoOptions.LengthPenaltyTarget"/> tokens, then
    /// <c>coef · over</c> (<see cref="GrpoLengthPenalty.Linear"/>) or <c>coef · over / target</c> (<see cref="GrpoLengthPenalty.Dapo"/>).
    /// </summary>
    /// <param name="length">Tokens of the reply.</param>
    /// <param name="options">The penalty's kind, coefficient and target.</param>
    public static double LengthPenalty(int length, GrpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int over = length - options.LengthPenaltyTarget;
        if (over <= 0) return 0;
        return options.LengthPenalty switch
        {
            GrpoLengthPenalty.Linear => options.LengthPenaltyCoef * over,
            GrpoLengthPenalty.Dapo => options.LengthPenaltyCoef * over / options.LengthPenaltyTarget,
            _ => 0,
        };
    }

    /// <summary>For each group of <paramref name="groupSize"/> rewards, whether its rewards differ (an all-equal group has zero advantages and teaches nothing).</summary>
    public static bool[] InformativeGroups(IReadOnlyList<double> rewards, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        if (rewards.Count % groupSize != 0) throw new ArgumentException($"{rewards.Count} rewards do not fill groups of {groupSize}", nameof(rewards));
        var informative = new bool[rewards.Count / groupSize];
        for (int g = 0; g < informative.Length; g++)
        {
            for (int i = 1; i < groupSize && !informative[g]; i++) informative[g] = rewards[g * groupSize + i] != rewards[g * groupSize];
        }
        return informative;
    }

    /// <summary>The k3 estimate of KL(policy ‖ reference): <c>mean_i(exp(x_i) − 1 − x_i)</c>, x_i the masked mean log-ratio of sequence i clamped to ±10.</summary>
    /// <param name="logProbs">[N, T] log-probabilities of the sampled tokens under the policy.</param>
    /// <param name="referenceLogProbs">[N, T] the same under the reference.</param>
    /// <param name="mask">[N, T] 1 for the reply's tokens, 0 elsewhere.</param>
    /// <returns>A scalar tensor (in the caller's dispose scope).</returns>
    public static Tensor K3Kl(Tensor logProbs, Tensor referenceLogProbs, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(referenceLogProbs);
        ArgumentNullException.ThrowIfNull(mask);
        var m = mask.To(DType.Float32);
        var x = ((logProbs - referenceLogProbs) * m).Sum(1) / m.Sum(1).Clamp(min: 1);
        x = x.Clamp(-KlLogRatioClamp, KlLogRatioClamp);
        return (x.Exp() - 1 - x).Mean();
    }

    /// <summary>The GRPO loss of one minibatch.</summary>
    /// <param name="logProbs">[N, T] float32 log-probabilities of the sampled tokens under the policy, with gradient.</param>
    /// <param name="oldLogProbs">[N, T] the same under the policy that sampled them (no gradient).</param>
    /// <param name="referenceLogProbs">[N, T] under the frozen reference, or null (no KL term).</param>
    /// <param name="advantages">[N] one advantage per sequence.</param>
    /// <param name="mask">[N, T] 1 for the reply's tokens, 0 for prompt and padding.</param>
    /// <param name="options">The clip mode and bounds and the KL coefficient.</param>
    public static GrpoLossResult Compute(Tensor logProbs, Tensor oldLogProbs, Tensor? referenceLogProbs, Tensor advantages, Tensor mask, GrpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(oldLogProbs);
        ArgumentNullException.ThrowIfNull(advantages);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(options);
        var m = mask.To(DType.Float32);
        var tokens = m.Sum().Clamp(min: 1);
        var a = advantages.To(DType.Float32).Unsqueeze(1);
        var ratio = (logProbs - oldLogProbs.Detach()).Exp();
        double low = 1 - options.ClipLow, high = 1 + options.ClipHigh;
        var unclipped = ratio * a;
        Tensor objective;
        Tensor cut;
        using (Engine.NoGrad())
        {
            cut = options.ClipMode switch
            {
                GrpoClipMode.None => Tensors.ZerosLike(m),
                GrpoClipMode.Ppo => ratio.Gt(high).LogicalAnd(a.Gt(0)).LogicalOr(ratio.Lt(low).LogicalAnd(a.Lt(0))).To(DType.Float32),
                _ => ratio.Gt(high).LogicalOr(ratio.Lt(low)).To(DType.Float32),
            };
        }
        objective = options.ClipMode switch
        {
            GrpoClipMode.None => unclipped,
            GrpoClipMode.Ppo => unclipped.Minimum(ratio.Clamp(low, high) * a),
            _ => ratio.Clamp(low, high) * a,
        };
        var policyLoss = -(objective * m).Sum() / tokens;
        var loss = policyLoss;
        double kl = 0;
        if (referenceLogProbs is not null && options.KlCoef > 0)
        {
            var penalty = K3Kl(logProbs, referenceLogProbs.Detach(), m);
            kl = penalty.Item<float>();
            loss = policyLoss + options.KlCoef * penalty;
        }
        double clipFraction = ((cut * m).Sum() / tokens).Item<float>();
        return new GrpoLossResult(loss, policyLoss.Item<float>(), kl, clipFraction);
    }
}
