using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Trm.Model.Configuration;
using Trm.Torch;

namespace Trm.Model;

/// <summary>
/// Hyper-parameters of a Tiny Recursive Model with adaptive computation time — the only model configuration in the SDK.
/// Same options and defaults as the reference's <c>config/arch/trm.yaml</c> (PascalCase names here; the reference's
/// snake_case names map both ways through <see cref="Options"/>, <see cref="FromReferenceJson"/> and
/// <see cref="ToReferenceJson"/>). The data-shape options (<see cref="VocabSize"/>, <see cref="SeqLen"/>,
/// <see cref="NumPuzzleIdentifiers"/>, <see cref="BatchSize"/>) come from the dataset: the trainer fills them.
/// Call <see cref="Validate"/> (the model does) before use.
/// </summary>
public sealed record TrmConfig
{
    /// <summary>Rows of the puzzle-embedding scratch buffer (the reference's <c>batch_size</c>); <c>null</c> sizes it from the first training batch.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Number of token ids (inputs and outputs share it); from the dataset.</summary>
    public int VocabSize { get; init; }

    /// <summary>Tokens per example, without the puzzle-embedding prefix; from the dataset.</summary>
    public int SeqLen { get; init; }

    /// <summary>Width of the latent states and of every layer (<c>hidden_size</c>, default 512).</summary>
    public int HiddenSize { get; init; } = 512;

    /// <summary>Attention heads (<c>num_heads</c>, default 8; head size = <see cref="HiddenSize"/> / <see cref="NumHeads"/>).</summary>
    public int NumHeads { get; init; } = 8;

    /// <summary>SwiGLU expansion factor (<c>expansion</c>, default 4); the inner width is round(expansion·width·2/3) rounded up to a multiple of 256.</summary>
    public double Expansion { get; init; } = 4;

    /// <summary>Blocks in the single shared reasoning stack (<c>L_layers</c>, default 2).</summary>
    public int LLayers { get; init; } = 2;

    /// <summary>Outer recursion cycles per ACT step (<c>H_cycles</c>, default 3); only the last one carries gradients.</summary>
    public int HCycles { get; init; } = 3;

    /// <summary>Latent (z) updates per outer cycle (<c>L_cycles</c>, default 6).</summary>
    public int LCycles { get; init; } = 6;

    /// <summary>Position encoding (<c>pos_encodings</c>, default RoPE).</summary>
    public PositionEncoding PosEncodings { get; init; } = PositionEncoding.Rope;

    /// <summary>RoPE base frequency (<c>rope_theta</c>, default 10000).</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>Replace self-attention by a SwiGLU over the sequence axis (<c>mlp_t</c>, default false).</summary>
    public bool MlpT { get; init; }

    /// <summary>Width of one puzzle embedding (<c>puzzle_emb_ndim</c>); <see langword="null"/> (the default) means <see cref="HiddenSize"/>, as the reference's <c>${.hidden_size}</c>; 0 disables puzzle embeddings.</summary>
    public int? PuzzleEmbNdim { get; init; }

    /// <summary>Prefix positions holding the puzzle embedding (<c>puzzle_emb_len</c>, default 16); 0 means ceil(width / <see cref="HiddenSize"/>).</summary>
    public int PuzzleEmbLen { get; init; } = 16;

    /// <summary>Rows of the puzzle-embedding table (distinct puzzle identifiers, including the blank id 0); from the dataset.</summary>
    public int NumPuzzleIdentifiers { get; init; } = 1;

    /// <summary>Maximum ACT steps per example in training (<c>halt_max_steps</c>, default 16); evaluation runs all of them, or <see cref="EvalHaltMaxSteps"/> when set.</summary>
    public int HaltMaxSteps { get; init; } = 16;

    /// <summary>
    /// ACT steps that evaluation and the solver run (<c>eval_halt_max_steps</c>, not in the reference); <see langword="null"/>
    /// (the default) means <see cref="HaltMaxSteps"/>. Running more steps at test time than in training refines the answer
    /// further: a model trained with 4 steps can be evaluated with 16.
    /// </summary>
    public int? EvalHaltMaxSteps { get; init; }

    /// <summary>ACT steps of evaluation: <see cref="EvalHaltMaxSteps"/>, or <see cref="HaltMaxSteps"/> when it is unset.</summary>
    public int EffectiveEvalHaltMaxSteps => EvalHaltMaxSteps ?? HaltMaxSteps;

    /// <summary>Probability that a training example gets a random minimum number of steps (<c>halt_exploration_prob</c>, default 0.1).</summary>
    public double HaltExplorationProb { get; init; } = 0.1;

    /// <summary>Halt on sigmoid(q_halt) alone (<c>no_ACT_continue</c>, default true, the paper's choice) instead of q_halt &gt; q_continue with a bootstrapped continue target.</summary>
    public bool NoActContinue { get; init; } = true;

    /// <summary>
    /// Dtype of activations and latent states on CUDA (<c>forward_dtype</c>, default bfloat16 as the reference). CPU runs
    /// float32: <see cref="ForDevice"/> resolves it for a device.
    /// </summary>
    public DType ForwardDType { get; init; } = DType.BFloat16;

    /// <summary>Causal self-attention (<c>causal</c>, for language modelling); the puzzle model is bidirectional.</summary>
    public bool Causal { get; init; }

    /// <summary>Epsilon of the weightless RMSNorm (<c>rms_norm_eps</c>, default 1e-5).</summary>
    public double RmsNormEps { get; init; } = 1e-5;

    /// <summary>
    /// The chat TRM (<c>arch=trm_chat</c>, the TRM chat fork's <c>trm_chat.yaml</c>): a causal language model with one
    /// recursion cycle and one ACT step — softmax cross-entropy, <c>halt_max_steps</c> 1, exploration 0, <c>H_cycles</c> 1,
    /// <c>L_cycles</c> 1, <c>L_layers</c> 4, hidden 384, 12 heads, expansion 4, no puzzle embedding, RoPE θ 10000, bfloat16
    /// forward on CUDA (float32 on CPU through <see cref="ForDevice"/>). <see cref="VocabSize"/> and <see cref="SeqLen"/>
    /// come from the tokenizer and the dataset: set them with <c>with { ... }</c>.
    /// </summary>
    public static TrmConfig Chat { get; } = new()
    {
        Causal = true,
        HaltMaxSteps = 1,
        HaltExplorationProb = 0,
        HCycles = 1,
        LCycles = 1,
        LLayers = 4,
        HiddenSize = 384,
        NumHeads = 12,
        Expansion = 4,
        PuzzleEmbNdim = 0,
        PuzzleEmbLen = 0,
        PosEncodings = PositionEncoding.Rope,
        RopeTheta = 10000,
        ForwardDType = DType.BFloat16,
        MlpT = false,
        NoActContinue = true,
    };

    /// <summary>
    /// The recursive chat TRM (the fork's "CoT-style" variant): <see cref="Chat"/> with <c>H_cycles</c> 3, <c>L_cycles</c> 4,
    /// <c>halt_max_steps</c> 16 and exploration 0.1. Generation runs every ACT step for every token.
    /// </summary>
    public static TrmConfig ChatRecursive { get; } = Chat with { HCycles = 3, LCycles = 4, HaltMaxSteps = 16, HaltExplorationProb = 0.1 };

    /// <summary>The puzzle-embedding width in effect: <see cref="PuzzleEmbNdim"/>, or <see cref="HiddenSize"/> when unset.</summary>
    public int EffectivePuzzleEmbNdim => PuzzleEmbNdim ?? HiddenSize;

    /// <summary>The options with their reference names (<c>H_cycles</c> ↔ <see cref="HCycles"/>), in the reference's order.</summary>
    public static IReadOnlyList<ConfigOption> Options { get; } = ConfigOption.For<TrmConfig>(
    [
        ("batch_size", nameof(BatchSize)), ("seq_len", nameof(SeqLen)), ("vocab_size", nameof(VocabSize)),
        ("puzzle_emb_ndim", nameof(PuzzleEmbNdim)), ("puzzle_emb_len", nameof(PuzzleEmbLen)), ("num_puzzle_identifiers", nameof(NumPuzzleIdentifiers)),
        ("H_cycles", nameof(HCycles)), ("L_cycles", nameof(LCycles)), ("L_layers", nameof(LLayers)),
        ("hidden_size", nameof(HiddenSize)), ("expansion", nameof(Expansion)), ("num_heads", nameof(NumHeads)),
        ("pos_encodings", nameof(PosEncodings)), ("rms_norm_eps", nameof(RmsNormEps)), ("rope_theta", nameof(RopeTheta)),
        ("halt_max_steps", nameof(HaltMaxSteps)), ("halt_exploration_prob", nameof(HaltExplorationProb)),
        ("forward_dtype", nameof(ForwardDType)), ("mlp_t", nameof(MlpT)), ("no_ACT_continue", nameof(NoActContinue)), ("causal", nameof(Causal)),
        ("eval_halt_max_steps", nameof(EvalHaltMaxSteps)),
    ], "batch_size", "seq_len", "vocab_size", "num_puzzle_identifiers");

    /// <summary>This configuration with the forward dtype in effect on <paramref name="device"/> (float32 on CPU) and the scratch batch unset.</summary>
    /// <param name="device">The device the model will run on.</param>
    public TrmConfig ForDevice(Device device) => this with { ForwardDType = device.Type == DeviceType.Cuda ? ForwardDType : DType.Float32 };

    /// <summary>Positions before the tokens that hold the puzzle embedding (0 when puzzle embeddings are off).</summary>
    public int PuzzleEmbPositions =>
        EffectivePuzzleEmbNdim == 0 ? 0 : PuzzleEmbLen == 0 ? (EffectivePuzzleEmbNdim + HiddenSize - 1) / HiddenSize : PuzzleEmbLen;

    /// <summary>Length of the latent states: <see cref="SeqLen"/> + <see cref="PuzzleEmbPositions"/>.</summary>
    public int TotalSeqLen => SeqLen + PuzzleEmbPositions;

    /// <summary>
    /// Throws <see cref="TrmConfigException"/> naming the first invalid option by its reference name (and property name).
    /// The one place the model's options are validated.
    /// </summary>
    /// <param name="requireDataShape">Also require the data-shape options (vocabulary, sequence length), which a training configuration leaves to the dataset.</param>
    public void Validate(bool requireDataShape = true)
    {
        // Upper bounds first: a configuration read from a file (or a checkpoint's metadata) must not make us allocate or
        // loop without limit before anything else is checked.
        RequireAtMost(VocabSize, 1 << 24, "vocab_size");
        RequireAtMost(SeqLen, 1 << 20, "seq_len");
        RequireAtMost(NumPuzzleIdentifiers, 1 << 28, "num_puzzle_identifiers");
        RequireAtMost(HiddenSize, 1 << 16, "hidden_size");
        RequireAtMost(NumHeads, 1 << 10, "num_heads");
        RequireAtMost(Expansion, 64, "expansion");
        RequireAtMost(LLayers, 256, "L_layers");
        RequireAtMost(HCycles, 1024, "H_cycles");
        RequireAtMost(LCycles, 1024, "L_cycles");
        RequireAtMost(HaltMaxSteps, 1024, "halt_max_steps");
        RequireAtMost(EvalHaltMaxSteps ?? 0, 1024, "eval_halt_max_steps");
        RequireAtMost(PuzzleEmbLen, 1 << 12, "puzzle_emb_len");
        RequireAtMost(PuzzleEmbNdim ?? 0, 1 << 20, "puzzle_emb_ndim");
        RequireAtMost(BatchSize ?? 0, 1 << 20, "batch_size");
        if (requireDataShape)
        {
            Require(VocabSize > 0, "vocab_size", "must be positive", VocabSize);
            Require(SeqLen > 0, "seq_len", "must be positive", SeqLen);
            Require(NumPuzzleIdentifiers > 0 || EffectivePuzzleEmbNdim == 0, "num_puzzle_identifiers", "must be positive", NumPuzzleIdentifiers);
        }
        Require(HiddenSize > 0, "hidden_size", "must be positive", HiddenSize);
        Require(NumHeads > 0, "num_heads", "must be positive", NumHeads);
        Require(MlpT || HiddenSize % NumHeads == 0, "num_heads", $"must divide hidden_size ({HiddenSize})", NumHeads);
        Require(MlpT || PosEncodings != PositionEncoding.Rope || HiddenSize / NumHeads % 2 == 0, "num_heads", "must leave an even head size for RoPE", NumHeads);
        Require(Expansion > 0 && double.IsFinite(Expansion), "expansion", "must be positive", Expansion);
        Require(LLayers > 0, "L_layers", "must be positive", LLayers);
        Require(HCycles > 0, "H_cycles", "must be positive", HCycles);
        Require(LCycles > 0, "L_cycles", "must be positive", LCycles);
        Require(RopeTheta > 0, "rope_theta", "must be positive", RopeTheta);
        Require(PuzzleEmbNdim is null or >= 0, "puzzle_emb_ndim", "must not be negative", PuzzleEmbNdim);
        Require(PuzzleEmbLen >= 0, "puzzle_emb_len", "must not be negative", PuzzleEmbLen);
        Require(EffectivePuzzleEmbNdim <= PuzzleEmbPositions * HiddenSize, "puzzle_emb_ndim",
            $"must fit in puzzle_emb_len × hidden_size = {PuzzleEmbPositions * HiddenSize}", EffectivePuzzleEmbNdim);
        Require(HaltMaxSteps > 0, "halt_max_steps", "must be positive", HaltMaxSteps);
        Require(EvalHaltMaxSteps is null or > 0, "eval_halt_max_steps", "must be positive when set", EvalHaltMaxSteps);
        Require(HaltExplorationProb is >= 0 and <= 1, "halt_exploration_prob", "must be in [0, 1]", HaltExplorationProb);
        Require(ForwardDType is DType.Float32 or DType.BFloat16 or DType.Float16 or DType.Float64, "forward_dtype", "must be a floating-point dtype", ForwardDType);
        Require(RmsNormEps > 0, "rms_norm_eps", "must be positive", RmsNormEps);
        Require(BatchSize is null or > 0, "batch_size", "must be positive when set", BatchSize);
        Require(!(Causal && MlpT), "mlp_t", "cannot be combined with causal: the token-mixing MLP lets every position see future tokens", MlpT);
    }

    private static void RequireAtMost(double value, double bound, string key) =>
        Require(!(value > bound), key, string.Create(CultureInfo.InvariantCulture, $"must be at most {bound}"), value);

    private static void Require(bool ok, string key, string rule, object? value)
    {
        if (!ok)
        {
            var property = Options.First(o => o.Name == key).PropertyName;
            throw new TrmConfigException(key, string.Create(CultureInfo.InvariantCulture, $"{rule} (TrmConfig.{property}, got {FormatValue(value)})"));
        }
    }

    private static string FormatValue(object? value) => value switch
    {
        null => "null",
        Enum e => ConfigValue.Spell(e),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// Reads a reference architecture config (the JSON of <c>TinyRecursiveReasoningModel_ACTV1Config</c>, e.g.
    /// <c>{"seq_len": 81, "hidden_size": 512, "mlp_t": true, "pos_encodings": "none", ...}</c>), as stored in our
    /// checkpoints' <c>trm_config</c>. Keys the model does not use (<c>H_layers</c>, <c>name</c>, <c>loss</c>, ...) are
    /// ignored, as the reference does; missing keys keep this type's defaults (the reference's).
    /// </summary>
    /// <param name="json">The JSON object.</param>
    /// <returns>The validated configuration.</returns>
    /// <exception cref="TrmConfigException">A key has a value of the wrong kind, or the result is invalid.</exception>
    public static TrmConfig FromReferenceJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new TrmConfigException("$", "expected a JSON object", "TRM reference config");
        }
        catch (JsonException e)
        {
            throw new TrmConfigException("$", $"not valid JSON: {e.Message}", "TRM reference config", e);
        }
        var config = new TrmConfig();
        foreach (var option in Options)
        {
            if (root.TryGetPropertyValue(option.Name, out var node))
            {
                config = option.With(config, ConfigValue.FromJson(node, option.ValueType, option.AllowsNull, option.Name, "TRM reference config"));
            }
        }
        config.Validate();
        return config;
    }

    /// <summary>
    /// This configuration as the reference's architecture JSON (snake_case keys, <c>H_layers</c> 0), readable by
    /// <see cref="FromReferenceJson"/> and by the reference's config class; stored as checkpoint metadata.
    /// </summary>
    public string ToReferenceJson()
    {
        var node = new JsonObject();
        foreach (var option in Options)
        {
            var value = option.Name == "puzzle_emb_ndim" ? EffectivePuzzleEmbNdim : option.Get(this);
            if (value is null) continue;
            node[option.Name] = ConfigValue.ToJson(value);
        }
        node["H_layers"] = 0;
        return node.ToJsonString();
    }
}
