namespace Trm.Training.Configuration;

/// <summary>The network's optimizer (<c>optimizer</c> key; the puzzle embeddings always take sign-SGD).</summary>
public enum OptimizerKind
{
    /// <summary>AdamATan2 (<c>adam_atan2</c>), the reference's optimizer: Adam with atan2 in place of the epsilon division.</summary>
    AdamAtan2,

    /// <summary>AdamW (<c>adamw</c>) with decoupled weight decay and <c>adam_eps</c>.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("adamw")]
    AdamW,
}
