namespace Trm.Rl.RewardModel;

/// <summary>Which hidden state of a sequence the reward head reads.</summary>
public enum RewardPooling
{
    /// <summary>The last attended (non-padding) position: it has seen the whole prefix and reply (the default).</summary>
    Last,

    /// <summary>The mean over every attended position.</summary>
    Mean,
}
