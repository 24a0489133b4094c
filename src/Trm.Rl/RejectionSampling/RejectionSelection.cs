namespace Trm.Rl.RejectionSampling;

/// <summary>Which samples rejection sampling keeps.</summary>
public enum RejectionSelection
{
    /// <summary>Those the task's verifier accepts (correct final answer).</summary>
    Verifier,

    /// <summary>The best <see cref="RejectionSamplingOptions.TopR"/> by reward (a reward model's score, say), at or above <see cref="RejectionSamplingOptions.MinReward"/>.</summary>
    TopR,
}
