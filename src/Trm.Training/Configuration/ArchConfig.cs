using System.Text.Json.Serialization;

namespace Trm.Training.Configuration;

/// <summary>
/// The model architecture section of a training configuration (<c>arch.*</c> overrides), with the reference's
/// <c>config/arch/trm.yaml</c> defaults and key names so that its command lines can be pasted.
/// </summary>
public sealed record ArchConfig
{
    /// <summary>Architecture name (<c>name</c>); only the TRM ACT model is known.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1";

    /// <summary>Loss head settings (<c>loss.*</c>).</summary>
    [JsonPropertyName("loss")] public LossConfig Loss { get; init; } = new();

    /// <summary>Probability of forcing a random minimum number of ACT steps during training (<c>halt_exploration_prob</c>).</summary>
    [JsonPropertyName("halt_exploration_prob")] public double HaltExplorationProb { get; init; } = 0.1;

    /// <summary>Maximum number of ACT steps (<c>halt_max_steps</c>).</summary>
    [JsonPropertyName("halt_max_steps")] public int HaltMaxSteps { get; init; } = 16;

    /// <summary>Outer recursion cycles (<c>H_cycles</c>).</summary>
    [JsonPropertyName("H_cycles")] public int HCycles { get; init; } = 3;

    /// <summary>Inner latent updates per outer cycle (<c>L_cycles</c>).</summary>
    [JsonPropertyName("L_cycles")] public int LCycles { get; init; } = 6;

    /// <summary>Layers of the (unused by TRM) high-level stack (<c>H_layers</c>); kept for paste compatibility.</summary>
    [JsonPropertyName("H_layers")] public int HLayers { get; init; }

    /// <summary>Layers of the shared network (<c>L_layers</c>).</summary>
    [JsonPropertyName("L_layers")] public int LLayers { get; init; } = 2;

    /// <summary>Model width (<c>hidden_size</c>).</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 512;

    /// <summary>Attention heads (<c>num_heads</c>).</summary>
    [JsonPropertyName("num_heads")] public int NumHeads { get; init; } = 8;

    /// <summary>SwiGLU expansion factor (<c>expansion</c>).</summary>
    [JsonPropertyName("expansion")] public double Expansion { get; init; } = 4;

    /// <summary>Puzzle-embedding width (<c>puzzle_emb_ndim</c>); <see langword="null"/> means <see cref="HiddenSize"/>, 0 disables it.</summary>
    [JsonPropertyName("puzzle_emb_ndim")] public int? PuzzleEmbNdim { get; init; }

    /// <summary>Positional encodings: <c>rope</c>, <c>learned</c> or <c>none</c> (<c>pos_encodings</c>).</summary>
    [JsonPropertyName("pos_encodings")] public string PosEncodings { get; init; } = "rope";

    /// <summary>RoPE base (<c>rope_theta</c>).</summary>
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000;

    /// <summary>RMSNorm epsilon (<c>rms_norm_eps</c>).</summary>
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-5;

    /// <summary>Forward dtype on CUDA (<c>forward_dtype</c>): <c>bfloat16</c> or <c>float32</c>; CPU always runs float32.</summary>
    [JsonPropertyName("forward_dtype")] public string ForwardDtype { get; init; } = "bfloat16";

    /// <summary>Use the token-mixing MLP instead of attention (<c>mlp_t</c>).</summary>
    [JsonPropertyName("mlp_t")] public bool MlpT { get; init; }

    /// <summary>Positions reserved for the puzzle embedding (<c>puzzle_emb_len</c>).</summary>
    [JsonPropertyName("puzzle_emb_len")] public int PuzzleEmbLen { get; init; } = 16;

    /// <summary>Train only the halting logit, without the Q-continue bootstrap target (<c>no_ACT_continue</c>).</summary>
    [JsonPropertyName("no_ACT_continue")] public bool NoActContinue { get; init; } = true;

    /// <summary>The effective puzzle-embedding width.</summary>
    [JsonIgnore] public int EffectivePuzzleEmbNdim => PuzzleEmbNdim ?? HiddenSize;
}

/// <summary>The loss head section (<c>arch.loss.*</c>).</summary>
public sealed record LossConfig
{
    /// <summary>Loss head name (<c>name</c>).</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "losses@ACTLossHead";

    /// <summary>Token loss: <c>stablemax_cross_entropy</c> or <c>softmax_cross_entropy</c> (<c>loss_type</c>).</summary>
    [JsonPropertyName("loss_type")] public string LossType { get; init; } = "stablemax_cross_entropy";
}
