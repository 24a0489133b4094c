using System.Globalization;
using Trm.Model.Layers;
using Trm.Torch;
using Trm.Torch.Nn;
using static Trm.Torch.Engine;

namespace Trm.Model.Language;

/// <summary>
/// The baseline for the chat TRM: a plain causal decoder built from the same pieces (token embedding scaled by
/// √hidden, the TRM's post-norm blocks with causal attention and RoPE, the same output head) with no recursion — each
/// block runs once, in order:
/// <code>
/// h = x;  for each of L_layers blocks: h = block(h);  logits = lm_head(h)
/// </code>
/// It reads the same <see cref="TrmConfig"/> (<see cref="TrmConfig.HCycles"/>, <see cref="TrmConfig.LCycles"/> and the
/// ACT options are ignored). <see cref="SizedLike"/> picks the depth that matches a TRM's parameter count. State keys:
/// <c>embed_tokens</c>, <c>embed_pos</c>, <c>layers.{i}.*</c>, <c>lm_head</c>.
/// </summary>
public sealed class PlainTransformer : Module, ICausalLanguageModel
{
    private readonly double _embedScale;
    private readonly CastedEmbedding _embedTokens;
    private readonly CastedEmbedding? _embedPos;
    private readonly RotaryEmbedding? _rope;
    private readonly TrmBlock[] _layers;
    private readonly CastedLinear _lmHead;

    /// <summary>Builds the decoder with the TRM's initialisation (on the CPU; move it with <c>To(device)</c>).</summary>
    /// <param name="config">A causal configuration without puzzle embeddings (validated here).</param>
    /// <param name="initGenerator">Seeded generator for the initial weights, or null for the global one.</param>
    public PlainTransformer(TrmConfig config, Generator? initGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (!config.Causal || config.PuzzleEmbPositions != 0)
        {
            throw new ArgumentException("PlainTransformer needs a causal configuration without puzzle embeddings (e.g. TrmConfig.Chat).", nameof(config));
        }

        Config = config;
        _embedScale = Math.Sqrt(config.HiddenSize);
        double embedStd = 1.0 / _embedScale;
        _embedTokens = RegisterModule("embed_tokens", new CastedEmbedding(config.VocabSize, config.HiddenSize, embedStd, config.ForwardDType, initGenerator));
        if (config.PosEncodings == PositionEncoding.Rope)
        {
            _rope = RegisterModule("rotary_emb", new RotaryEmbedding(config.HiddenSize / config.NumHeads, config.SeqLen, config.RopeTheta));
        }
        else if (config.PosEncodings == PositionEncoding.Learned)
        {
            _embedPos = RegisterModule("embed_pos", new CastedEmbedding(config.SeqLen, config.HiddenSize, embedStd, config.ForwardDType, initGenerator));
        }

        var layers = new LayerList();
        _layers = new TrmBlock[config.LLayers];
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i] = layers.Add(i.ToString(CultureInfo.InvariantCulture), new TrmBlock(config, initGenerator));
        }

        RegisterModule("layers", layers);
        _lmHead = RegisterModule("lm_head", new CastedLinear(config.HiddenSize, config.VocabSize, bias: false, initGenerator));
    }

    /// <inheritdoc/>
    public TrmConfig Config { get; }

    /// <inheritdoc/>
    public Device Device => _embedTokens.EmbeddingWeight.Device;

    /// <inheritdoc/>
    public int MaxPositions => Config.SeqLen;

    /// <inheritdoc/>
    public Tensor LmForward(Tensor inputIds, Tensor? attentionMask = null, TrmKvCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        LanguageModelChecks.CheckInputs(inputIds, cache, MaxPositions);
        using var scope = NewDisposeScope();
        using var noGrad = cache is null ? null : NoGrad();
        var context = LmContext.Create(inputIds.Size(0), inputIds.Size(1), attentionMask, cache, _rope, Device, out var positions, out var valid);

        var h = _embedTokens.Forward(inputIds.To(Device));
        if (_embedPos is not null)
        {
            h = 0.707106781 * (h + F.Embedding(positions, Casting.To(_embedPos.EmbeddingWeight, Config.ForwardDType)));
        }

        h = _embedScale * h;
        foreach (var block in _layers)
        {
            h = block.Forward(h, _rope, context);
        }

        var logits = _lmHead.Forward(h);
        cache?.Advance(valid, valid.To(DType.Int64).Sum(1));
        return scope.MoveToOuter(logits);
    }

    /// <inheritdoc/>
    public TrmKvCache CreateKvCache(long batchSize, int? capacity = null) => new(batchSize, capacity ?? MaxPositions, Device);

    /// <summary>
    /// Trainable parameters of a model of <paramref name="config"/>, computed without building it: the plain transformer's
    /// (<paramref name="recursive"/> false) or the TRM's (true: the same plus the 2-output halting head).
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="recursive">Count the TRM instead of the plain transformer.</param>
    public static long CountParameters(TrmConfig config, bool recursive = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        long hidden = config.HiddenSize;
        long block = (config.MlpT ? 3L * SwiGlu.InnerWidth(config.TotalSeqLen, config.Expansion) * config.TotalSeqLen : 4 * hidden * hidden)
            + 3 * SwiGlu.InnerWidth(hidden, config.Expansion) * hidden;
        long positions = config.PosEncodings == PositionEncoding.Learned ? (long)config.TotalSeqLen * hidden : 0;
        long halting = recursive ? 2 * hidden + 2 : 0;
        return 2L * config.VocabSize * hidden + positions + halting + config.LLayers * block;
    }

    /// <summary>
    /// The configuration of a plain transformer of width <paramref name="hiddenSize"/> (default the TRM's) whose parameter
    /// count is closest to the TRM of <paramref name="trm"/>: the depth <see cref="TrmConfig.LLayers"/> is chosen. At the
    /// same width the depth is the TRM's own (its recursion reuses one stack), so the two differ only by the halting head.
    /// </summary>
    /// <param name="trm">The TRM's configuration.</param>
    /// <param name="hiddenSize">The baseline's width, or null for the TRM's.</param>
    public static TrmConfig SizedLike(TrmConfig trm, int? hiddenSize = null)
    {
        ArgumentNullException.ThrowIfNull(trm);
        long target = CountParameters(trm, recursive: true);
        var config = trm with { HiddenSize = hiddenSize ?? trm.HiddenSize, HCycles = 1, LCycles = 1, HaltMaxSteps = 1, HaltExplorationProb = 0 };
        var best = config with { LLayers = 1 };
        for (int layers = 2; layers <= 256; layers++)
        {
            var candidate = config with { LLayers = layers };
            if (Math.Abs(CountParameters(candidate) - target) < Math.Abs(CountParameters(best) - target)) best = candidate;
        }

        return best;
    }

    /// <summary>The blocks, registered as children "0", "1", ... (PyTorch's ModuleList naming).</summary>
    private sealed class LayerList : Module
    {
        public TrmBlock Add(string name, TrmBlock block) => RegisterModule(name, block);
    }
}
