using System.Text.Json.Serialization;

namespace Trm.Training.Checkpoints;

/// <summary>How the ACT carry (the per-example latent state that persists across training batches) is treated on resume.</summary>
public enum CarryPolicy
{
    /// <summary>The carry is saved with the checkpoint and restored exactly, so a resumed run matches an uninterrupted one.</summary>
    Restore,

    /// <summary>The resumed run starts from a fresh carry (every example re-loaded from the next batch).</summary>
    Reset,
}

/// <summary><c>trainer.json</c> of a checkpoint: everything besides tensors needed to resume exactly.</summary>
public sealed record TrainerCheckpointState
{
    /// <summary>Optimizer steps taken.</summary>
    [JsonPropertyName("step")] public long Step { get; init; }

    /// <summary>The schedule's total steps.</summary>
    [JsonPropertyName("total_steps")] public long TotalSteps { get; init; }

    /// <summary>Completed passes of the training iterator (each <c>eval_interval</c> epochs).</summary>
    [JsonPropertyName("iteration")] public long Iteration { get; init; }

    /// <summary>The training iterator's position before the next batch (puzzles: <c>epoch:set:batch</c>; chat datasets: <c>epoch:batch</c>; token streams: the sampler's state as JSON).</summary>
    [JsonPropertyName("data_state")] public string DataState { get; init; } = "0:0:0";

    /// <summary>RNG states by name (base64 of the generator's state bytes).</summary>
    [JsonPropertyName("rng")] public IReadOnlyDictionary<string, string> Rng { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether <c>carry.safetensors</c> holds the ACT carry, and how it is used on resume.</summary>
    [JsonPropertyName("carry_policy")] public CarryPolicy CarryPolicy { get; init; } = CarryPolicy.Restore;

    /// <summary>Whether <c>model.safetensors</c> holds EMA weights (then <c>online.safetensors</c> holds the raw ones).</summary>
    [JsonPropertyName("ema")] public bool Ema { get; init; }

    /// <summary>The training configuration (JSON object with the reference's keys).</summary>
    [JsonPropertyName("config")] public System.Text.Json.Nodes.JsonNode? Config { get; init; }

    /// <summary>The model configuration (the reference's arch JSON).</summary>
    [JsonPropertyName("model_config")] public System.Text.Json.Nodes.JsonNode? ModelConfig { get; init; }

    /// <summary>Optimizer steps skipped so far because their gradient was not finite.</summary>
    [JsonPropertyName("nonfinite_steps")] public long NonFiniteSteps { get; init; }

    /// <summary>Training wall time so far, in seconds.</summary>
    [JsonPropertyName("elapsed_seconds")] public double ElapsedSeconds { get; init; }
}
