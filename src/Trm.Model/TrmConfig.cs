using System.Globalization;
using System.Text.Json;
using Trm.Torch;

namespace Trm.Model;

/// <summary>
/// Hyper-parameters of a Tiny Recursive Model with adaptive computation time — the options of the reference's
/// <c>TinyRecursiveReasoningModel_ACTV1Config</c> (same meaning, PascalCase names). Call <see cref="Validate"/>
/// (the model does) before use.
/// </summary>
public sealed record TrmConfig
{
    /// <summary>Rows of the puzzle-embedding scratch buffer (the reference's <c>batch_size</c>); <c>null</c> sizes it from the first training batch.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Number of token ids (inputs and outputs share it).</summary>
    public required int VocabSize { get; init; }

    /// <summary>Tokens per example, without the puzzle-embedding prefix.</summary>
    public required int SeqLen { get; init; }

    /// <summary>Width of the latent states and of every layer.</summary>
    public int HiddenSize { get; init; } = 512;

    /// <summary>Attention heads (head size = <see cref="HiddenSize"/> / <see cref="NumHeads"/>).</summary>
    public int NumHeads { get; init; } = 8;

    /// <summary>SwiGLU expansion factor; the inner width is round(expansion·width·2/3) rounded up to a multiple of 256.</summary>
    public double Expansion { get; init; } = 4;

    /// <summary>Blocks in the single shared reasoning stack (<c>L_layers</c>).</summary>
    public int LLayers { get; init; } = 2;

    /// <summary>Outer recursion cycles per ACT step (<c>H_cycles</c>); only the last one carries gradients.</summary>
    public int HCycles { get; init; } = 3;

    /// <summary>Latent (z) updates per outer cycle (<c>L_cycles</c>).</summary>
    public int LCycles { get; init; } = 6;

    /// <summary>Position encoding.</summary>
    public PositionEncoding PosEncodings { get; init; } = PositionEncoding.Rope;

    /// <summary>RoPE base frequency.</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>Replace self-attention by a SwiGLU over the sequence axis (<c>mlp_t</c>).</summary>
    public bool MlpT { get; init; }

    /// <summary>Width of one puzzle embedding (0 disables puzzle embeddings).</summary>
    public int PuzzleEmbNdim { get; init; }

    /// <summary>Prefix positions holding the puzzle embedding; 0 means ceil(<see cref="PuzzleEmbNdim"/> / <see cref="HiddenSize"/>).</summary>
    public int PuzzleEmbLen { get; init; } = 16;

    /// <summary>Rows of the puzzle-embedding table (distinct puzzle identifiers, including the blank id 0).</summary>
    public int NumPuzzleIdentifiers { get; init; } = 1;

    /// <summary>Maximum ACT steps per example; evaluation always runs all of them.</summary>
    public int HaltMaxSteps { get; init; } = 16;

    /// <summary>Probability that a training example gets a random minimum number of steps (exploration).</summary>
    public double HaltExplorationProb { get; init; } = 0.1;

    /// <summary>Halt on sigmoid(q_halt) alone (<c>true</c>, the paper's choice) instead of q_halt &gt; q_continue with a bootstrapped continue target.</summary>
    public bool NoActContinue { get; init; } = true;

    /// <summary>Dtype of activations and latent states (the reference's <c>forward_dtype</c>): <see cref="DType.BFloat16"/> on CUDA, <see cref="DType.Float32"/> on CPU.</summary>
    public DType ForwardDType { get; init; } = DType.Float32;

    /// <summary>Causal self-attention (for language modelling); the puzzle model is bidirectional.</summary>
    public bool Causal { get; init; }

    /// <summary>Epsilon of the weightless RMSNorm.</summary>
    public double RmsNormEps { get; init; } = 1e-5;

    /// <summary>Positions before the tokens that hold the puzzle embedding (0 when puzzle embeddings are off).</summary>
    public int PuzzleEmbPositions =>
        PuzzleEmbNdim == 0 ? 0 : PuzzleEmbLen == 0 ? (PuzzleEmbNdim + HiddenSize - 1) / HiddenSize : PuzzleEmbLen;

    /// <summary>Length of the latent states: <see cref="SeqLen"/> + <see cref="PuzzleEmbPositions"/>.</summary>
    public int TotalSeqLen => SeqLen + PuzzleEmbPositions;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Require(VocabSize > 0, nameof(VocabSize), "must be positive", VocabSize);
        Require(SeqLen > 0, nameof(SeqLen), "must be positive", SeqLen);
        Require(HiddenSize > 0, nameof(HiddenSize), "must be positive", HiddenSize);
        Require(NumHeads > 0, nameof(NumHeads), "must be positive", NumHeads);
        Require(MlpT || HiddenSize % NumHeads == 0, nameof(HiddenSize), $"must be divisible by NumHeads ({NumHeads})", HiddenSize);
        Require(MlpT || PosEncodings != PositionEncoding.Rope || HiddenSize / NumHeads % 2 == 0,
            nameof(NumHeads), "must leave an even head size for RoPE", NumHeads);
        Require(Expansion > 0 && double.IsFinite(Expansion), nameof(Expansion), "must be positive", Expansion);
        Require(LLayers > 0, nameof(LLayers), "must be positive", LLayers);
        Require(HCycles > 0, nameof(HCycles), "must be positive", HCycles);
        Require(LCycles > 0, nameof(LCycles), "must be positive", LCycles);
        Require(RopeTheta > 0, nameof(RopeTheta), "must be positive", RopeTheta);
        Require(PuzzleEmbNdim >= 0, nameof(PuzzleEmbNdim), "must not be negative", PuzzleEmbNdim);
        Require(PuzzleEmbLen >= 0, nameof(PuzzleEmbLen), "must not be negative", PuzzleEmbLen);
        Require(PuzzleEmbNdim <= PuzzleEmbPositions * HiddenSize, nameof(PuzzleEmbNdim),
            $"must fit in PuzzleEmbLen × HiddenSize = {PuzzleEmbPositions * HiddenSize}", PuzzleEmbNdim);
        Require(PuzzleEmbNdim == 0 || NumPuzzleIdentifiers > 0, nameof(NumPuzzleIdentifiers), "must be positive", NumPuzzleIdentifiers);
        Require(HaltMaxSteps > 0, nameof(HaltMaxSteps), "must be positive", HaltMaxSteps);
        Require(HaltExplorationProb is >= 0 and <= 1, nameof(HaltExplorationProb), "must be in [0, 1]", HaltExplorationProb);
        Require(ForwardDType is DType.Float32 or DType.BFloat16 or DType.Float16 or DType.Float64,
            nameof(ForwardDType), "must be a floating-point dtype", ForwardDType);
        Require(RmsNormEps > 0, nameof(RmsNormEps), "must be positive", RmsNormEps);
        Require(BatchSize is null or > 0, nameof(BatchSize), "must be positive when set", BatchSize);
    }

    private static void Require(bool ok, string field, string rule, object? value)
    {
        if (!ok)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"TrmConfig.{field} {rule} (got {value})."), field);
        }
    }

    /// <summary>
    /// Reads a reference architecture config (the JSON of <c>TinyRecursiveReasoningModel_ACTV1Config</c>, e.g.
    /// <c>{"seq_len": 81, "hidden_size": 512, "mlp_t": true, "pos_encodings": "none", ...}</c>). Keys the model does
    /// not use (<c>H_layers</c>, <c>name</c>, <c>loss</c>, ...) are ignored, as the reference does; missing keys keep
    /// the reference's defaults (<c>forward_dtype</c> bfloat16 included).
    /// </summary>
    /// <param name="json">The JSON object.</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="ArgumentException">A key has a value of the wrong kind, or the result is invalid.</exception>
    public static TrmConfig FromReferenceJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("TRM reference config: expected a JSON object.", nameof(json));
        }

        var config = new TrmConfig
        {
            BatchSize = OptInt(root, "batch_size"),
            VocabSize = OptInt(root, "vocab_size") ?? throw Missing("vocab_size"),
            SeqLen = OptInt(root, "seq_len") ?? throw Missing("seq_len"),
            ForwardDType = DType.BFloat16,
        };
        config = config with
        {
            HiddenSize = OptInt(root, "hidden_size") ?? config.HiddenSize,
            NumHeads = OptInt(root, "num_heads") ?? config.NumHeads,
            Expansion = OptDouble(root, "expansion") ?? config.Expansion,
            LLayers = OptInt(root, "L_layers") ?? config.LLayers,
            HCycles = OptInt(root, "H_cycles") ?? config.HCycles,
            LCycles = OptInt(root, "L_cycles") ?? config.LCycles,
            PosEncodings = OptString(root, "pos_encodings") is { } pos ? ParsePositions(pos) : config.PosEncodings,
            RopeTheta = OptDouble(root, "rope_theta") ?? config.RopeTheta,
            MlpT = OptBool(root, "mlp_t") ?? config.MlpT,
            PuzzleEmbNdim = OptInt(root, "puzzle_emb_ndim") ?? 0,
            PuzzleEmbLen = OptInt(root, "puzzle_emb_len") ?? config.PuzzleEmbLen,
            NumPuzzleIdentifiers = OptInt(root, "num_puzzle_identifiers") ?? config.NumPuzzleIdentifiers,
            HaltMaxSteps = OptInt(root, "halt_max_steps") ?? config.HaltMaxSteps,
            HaltExplorationProb = OptDouble(root, "halt_exploration_prob") ?? config.HaltExplorationProb,
            NoActContinue = OptBool(root, "no_ACT_continue") ?? config.NoActContinue,
            ForwardDType = OptString(root, "forward_dtype") is { } dt ? ParseDType(dt) : config.ForwardDType,
            Causal = OptBool(root, "causal") ?? false,
            RmsNormEps = OptDouble(root, "rms_norm_eps") ?? config.RmsNormEps,
        };
        config.Validate();
        return config;
    }

    /// <summary>
    /// This configuration as the reference's architecture JSON (snake_case keys, <c>H_layers</c> 0), readable by
    /// <see cref="FromReferenceJson"/> and by the reference's config class; suitable as checkpoint metadata.
    /// </summary>
    public string ToReferenceJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            if (BatchSize is { } batch)
            {
                w.WriteNumber("batch_size", batch);
            }

            w.WriteNumber("seq_len", SeqLen);
            w.WriteNumber("vocab_size", VocabSize);
            w.WriteNumber("puzzle_emb_ndim", PuzzleEmbNdim);
            w.WriteNumber("puzzle_emb_len", PuzzleEmbLen);
            w.WriteNumber("num_puzzle_identifiers", NumPuzzleIdentifiers);
            w.WriteNumber("H_cycles", HCycles);
            w.WriteNumber("L_cycles", LCycles);
            w.WriteNumber("H_layers", 0);
            w.WriteNumber("L_layers", LLayers);
            w.WriteNumber("hidden_size", HiddenSize);
            w.WriteNumber("expansion", Expansion);
            w.WriteNumber("num_heads", NumHeads);
            w.WriteString("pos_encodings", PosEncodings.ToString().ToLowerInvariant());
            w.WriteNumber("rms_norm_eps", RmsNormEps);
            w.WriteNumber("rope_theta", RopeTheta);
            w.WriteNumber("halt_max_steps", HaltMaxSteps);
            w.WriteNumber("halt_exploration_prob", HaltExplorationProb);
            w.WriteString("forward_dtype", ForwardDType switch
            {
                DType.BFloat16 => "bfloat16",
                DType.Float16 => "float16",
                DType.Float64 => "float64",
                _ => "float32",
            });
            w.WriteBoolean("mlp_t", MlpT);
            w.WriteBoolean("no_ACT_continue", NoActContinue);
            w.WriteBoolean("causal", Causal);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static ArgumentException Missing(string key) =>
        new($"TRM reference config: required key '{key}' is missing.", nameof(key));

    private static JsonElement? Find(JsonElement root, string key) =>
        root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static int? OptInt(JsonElement root, string key)
    {
        if (Find(root, key) is not { } v)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
        {
            return (int)d;
        }

        throw WrongKind(key, "an integer", v);
    }

    private static double? OptDouble(JsonElement root, string key)
    {
        if (Find(root, key) is not { } v)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw WrongKind(key, "a number", v);
    }

    private static bool? OptBool(JsonElement root, string key)
    {
        if (Find(root, key) is not { } v)
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongKind(key, "true or false", v),
        };
    }

    private static string? OptString(JsonElement root, string key)
    {
        if (Find(root, key) is not { } v)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw WrongKind(key, "a string", v);
    }

    private static ArgumentException WrongKind(string key, string expected, JsonElement v) =>
        new($"TRM reference config: key '{key}' must be {expected} (got {v.GetRawText()}).", nameof(key));

    /// <summary>Parses <c>rope</c>, <c>learned</c> or <c>none</c> (case-insensitive).</summary>
    /// <param name="value">The reference spelling.</param>
    /// <returns>The encoding.</returns>
    public static PositionEncoding ParsePositions(string value) => value.Trim().ToLowerInvariant() switch
    {
        "rope" => PositionEncoding.Rope,
        "learned" => PositionEncoding.Learned,
        "none" or "" => PositionEncoding.None,
        _ => throw new ArgumentException($"TrmConfig.PosEncodings: unknown position encoding '{value}' (expected rope, learned or none).", nameof(value)),
    };

    private static DType ParseDType(string value) => value.Trim().ToLowerInvariant() switch
    {
        "float32" or "float" => DType.Float32,
        "bfloat16" => DType.BFloat16,
        "float16" or "half" => DType.Float16,
        "float64" or "double" => DType.Float64,
        _ => throw new ArgumentException($"TrmConfig.ForwardDType: unknown forward_dtype '{value}'.", nameof(value)),
    };
}
