using System.Text.Json;
using System.Text.Json.Nodes;
using Trm.Model;
using Trm.Torch;

namespace Trm.Training.Configuration;

/// <summary>Turns a training configuration plus a dataset's shape into the model's <see cref="TrmConfig"/>, and back to the reference's JSON.</summary>
public static class ModelConfigFactory
{
    /// <summary>The model configuration for <paramref name="arch"/> on a dataset of the given shape.</summary>
    /// <param name="arch">Architecture section.</param>
    /// <param name="vocabSize">Dataset vocabulary size.</param>
    /// <param name="seqLen">Dataset sequence length.</param>
    /// <param name="numPuzzleIdentifiers">Dataset puzzle identifiers.</param>
    /// <param name="batchSize">Training batch size (rows of the puzzle-embedding scratch buffer).</param>
    /// <param name="device">Device the model runs on: the forward dtype is bfloat16 only on CUDA with <c>forward_dtype=bfloat16</c>.</param>
    public static TrmConfig Create(ArchConfig arch, int vocabSize, int seqLen, int numPuzzleIdentifiers, int batchSize, Device device)
    {
        ArgumentNullException.ThrowIfNull(arch);
        var config = new TrmConfig
        {
            VocabSize = vocabSize,
            SeqLen = seqLen,
            BatchSize = batchSize,
            HiddenSize = arch.HiddenSize,
            NumHeads = arch.NumHeads,
            Expansion = arch.Expansion,
            LLayers = arch.LLayers,
            HCycles = arch.HCycles,
            LCycles = arch.LCycles,
            PosEncodings = arch.PosEncodings switch
            {
                "rope" => PositionEncoding.Rope,
                "learned" => PositionEncoding.Learned,
                _ => PositionEncoding.None,
            },
            RopeTheta = arch.RopeTheta,
            MlpT = arch.MlpT,
            PuzzleEmbNdim = arch.EffectivePuzzleEmbNdim,
            PuzzleEmbLen = arch.PuzzleEmbLen,
            NumPuzzleIdentifiers = numPuzzleIdentifiers,
            HaltMaxSteps = arch.HaltMaxSteps,
            HaltExplorationProb = arch.HaltExplorationProb,
            NoActContinue = arch.NoActContinue,
            ForwardDType = device.Type == DeviceType.Cuda && arch.ForwardDtype == "bfloat16" ? DType.BFloat16 : DType.Float32,
            RmsNormEps = arch.RmsNormEps,
        };
        config.Validate();
        return config;
    }

    /// <summary>The reference's snake_case JSON for <paramref name="config"/> (readable by <see cref="TrmConfig.FromReferenceJson"/>).</summary>
    /// <param name="config">The model configuration.</param>
    public static string ToReferenceJson(TrmConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var node = new JsonObject
        {
            ["batch_size"] = config.BatchSize,
            ["vocab_size"] = config.VocabSize,
            ["seq_len"] = config.SeqLen,
            ["hidden_size"] = config.HiddenSize,
            ["num_heads"] = config.NumHeads,
            ["expansion"] = config.Expansion,
            ["L_layers"] = config.LLayers,
            ["H_cycles"] = config.HCycles,
            ["L_cycles"] = config.LCycles,
            ["pos_encodings"] = config.PosEncodings switch { PositionEncoding.Rope => "rope", PositionEncoding.Learned => "learned", _ => "none" },
            ["rope_theta"] = config.RopeTheta,
            ["mlp_t"] = config.MlpT,
            ["puzzle_emb_ndim"] = config.PuzzleEmbNdim,
            ["puzzle_emb_len"] = config.PuzzleEmbLen,
            ["num_puzzle_identifiers"] = config.NumPuzzleIdentifiers,
            ["halt_max_steps"] = config.HaltMaxSteps,
            ["halt_exploration_prob"] = config.HaltExplorationProb,
            ["no_ACT_continue"] = config.NoActContinue,
            ["forward_dtype"] = config.ForwardDType == DType.BFloat16 ? "bfloat16" : "float32",
            ["causal"] = config.Causal,
            ["rms_norm_eps"] = config.RmsNormEps,
        };
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
