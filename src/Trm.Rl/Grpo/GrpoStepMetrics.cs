namespace Trm.Rl.Grpo;

/// <summary>What one GRPO step measured (written to <c>metrics.jsonl</c> as a <c>train</c> record).</summary>
/// <param name="Step">The step (1-based, after it ran).</param>
/// <param name="RewardMean">Mean reward of all samples (length penalty included).</param>
/// <param name="RewardStd">Population standard deviation of those rewards.</param>
/// <param name="Pass1">Fraction of samples the task's verifier accepts (pass@1 at the rollout temperature).</param>
/// <param name="ResponseLength">Mean generated tokens per sample (a stop token included).</param>
/// <param name="GroupsKept">Fraction of groups used for the update (the others had all-equal rewards and were dropped).</param>
/// <param name="Loss">Mean loss over the updates (NaN when no group was kept).</param>
/// <param name="PolicyLoss">Mean policy-gradient part of the loss.</param>
/// <param name="Kl">Mean k3 KL to the reference (0 without one).</param>
/// <param name="ClipFraction">Mean fraction of tokens whose gradient the ratio bound cut off.</param>
/// <param name="Entropy">Mean per-token entropy of the policy on the sampled replies (nats), first epoch.</param>
/// <param name="GradNorm">Mean gradient norm before clipping.</param>
/// <param name="LearningRate">The learning rate of the step.</param>
/// <param name="Updates">Optimizer updates made.</param>
public sealed record GrpoStepMetrics(
    long Step, double RewardMean, double RewardStd, double Pass1, double ResponseLength, double GroupsKept,
    double Loss, double PolicyLoss, double Kl, double ClipFraction, double Entropy, double GradNorm, double LearningRate, int Updates)
{
    /// <summary>The values by their <c>metrics.jsonl</c> names.</summary>
    public IReadOnlyDictionary<string, double> ToValues() => new Dictionary<string, double>
    {
        ["reward_mean"] = RewardMean,
        ["reward_std"] = RewardStd,
        ["pass1"] = Pass1,
        ["response_length"] = ResponseLength,
        ["groups_kept"] = GroupsKept,
        ["loss"] = Loss,
        ["policy_loss"] = PolicyLoss,
        ["kl"] = Kl,
        ["clip_fraction"] = ClipFraction,
        ["entropy"] = Entropy,
        ["grad_norm"] = GradNorm,
        ["lr"] = LearningRate,
        ["updates"] = Updates,
    };
}
