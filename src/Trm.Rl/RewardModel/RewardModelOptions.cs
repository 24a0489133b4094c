namespace Trm.Rl.RewardModel;

/// <summary>How a reward model reads its input: sequence lengths, replies per prompt and the pooling of the head.</summary>
public sealed record RewardModelOptions
{
    /// <summary>Most tokens of one scored sequence (prefix and reply together; default 512).</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>Most replies of one prompt used in training (the best ones; default 5).</summary>
    public int MaxReplies { get; init; } = 5;

    /// <summary>
    /// Prefix tokens kept before replies are shortened (default 256, at most half of <see cref="MaxLength"/>): a long reply
    /// is cut from the right so that this much of the conversation, its most recent tokens, stays in view.
    /// </summary>
    public int MinPrefixLength { get; init; } = 256;

    /// <summary>Where the scalar head reads the trunk (default <see cref="RewardPooling.Last"/>).</summary>
    public RewardPooling Pooling { get; init; } = RewardPooling.Last;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxLength < 4) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "MaxLength must be at least 4.");
        if (MaxReplies < 2) throw new ArgumentOutOfRangeException(nameof(MaxReplies), MaxReplies, "MaxReplies must be at least 2 (a ranking needs two replies).");
        if (MinPrefixLength < 1) throw new ArgumentOutOfRangeException(nameof(MinPrefixLength), MinPrefixLength, "MinPrefixLength must be at least 1.");
        if (!Enum.IsDefined(Pooling)) throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "Unknown pooling.");
    }
}
