namespace Trm.Rl.Grpo;

/// <summary>How the token-level importance ratio <c>π_new / π_old</c> is bounded in the policy loss.</summary>
public enum GrpoClipMode
{
    /// <summary>No bound: the loss is <c>−ratio · A</c> (on-policy, one epoch, this is the plain policy gradient of the single-task baseline).</summary>
    None,

    /// <summary>PPO's <c>−min(ratio · A, clip(ratio, 1 − ε_low, 1 + ε_high) · A)</c>.</summary>
    Ppo,

    /// <summary>The truncated form <c>−clip(ratio, 1 − ε_low, 1 + ε_high) · A</c>: no gradient where the ratio is out of bounds.</summary>
    Truncated,
}
