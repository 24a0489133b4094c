using System.Globalization;
using Trm.Inference.Generation;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Torch.Nn;
using Trm.Torch.Serialization;
using static Trm.Torch.Engine;

namespace Trm.Rl.RewardModel;

/// <summary>
/// A reward model: a causal TRM trunk (<see cref="TrmModel.LmHidden"/>) and a scalar head <c>Linear(hidden, 1)</c> on the
/// last attended position (or the mean of all, <see cref="RewardPooling"/>). It scores an assistant reply to a
/// conversation; training (<see cref="RewardModelTrainer"/>) teaches it to score better-ranked replies higher.
/// <code>
/// using var rm = TrmRewardModel.Load("checkpoints/rm/step_200");
/// float score = rm.Score("What is 2 + 2?", "4");
/// </code>
/// </summary>
public sealed class TrmRewardModel : Module, IRewardScorer
{
    /// <summary>The checkpoint file holding the head (beside the trunk's <c>model.safetensors</c>).</summary>
    public const string HeadFile = "reward_head.safetensors";

    /// <summary>The file a character tokenizer's vocabulary is saved to in a checkpoint.</summary>
    public const string VocabularyFile = "vocab.json";

    private readonly TrmModel _trunk;
    private readonly Linear _head;

    /// <summary>Builds a reward model on a trunk (the model is owned and disposed with it).</summary>
    /// <param name="trunk">A causal TRM without puzzle embeddings (e.g. an SFT checkpoint's model, or a fresh one).</param>
    /// <param name="tokenizer">The base tokenizer; the chat tokens are added as for chat training.</param>
    /// <param name="options">Lengths and pooling (validated).</param>
    /// <param name="initGenerator">Seeded generator for the head's initial weights, or null.</param>
    /// <exception cref="ArgumentException">The trunk is not causal or its vocabulary is smaller than the tokenizer's.</exception>
    public TrmRewardModel(TrmModel trunk, Tokenizer tokenizer, RewardModelOptions? options = null, Generator? initGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(trunk);
        ArgumentNullException.ThrowIfNull(tokenizer);
        Options = options ?? new RewardModelOptions();
        var template = ChatTemplate.Create(tokenizer);
        if (!trunk.Config.Causal || trunk.Config.PuzzleEmbPositions != 0)
            throw new ArgumentException("The reward model's trunk must be a causal TRM without puzzle embeddings (e.g. TrmConfig.Chat).", nameof(trunk));
        if (trunk.Config.VocabSize < template.Tokenizer.VocabSize)
            throw new ArgumentException($"The trunk's vocabulary ({trunk.Config.VocabSize}) is smaller than the chat tokenizer's ({template.Tokenizer.VocabSize}).", nameof(trunk));
        if (Options.MaxLength > trunk.MaxPositions)
            throw new ArgumentException($"MaxLength {Options.MaxLength} exceeds the trunk's {trunk.MaxPositions} positions.", nameof(options));
        Collator = new RewardCollator(template, Options);
        BaseTokenizer = tokenizer;
        _trunk = RegisterModule("trunk", trunk);
        _head = RegisterModule("head", new Linear(trunk.Config.HiddenSize, 1, bias: true, initGenerator));
        _head.To(trunk.Device);
    }

    /// <summary>The trunk.</summary>
    public TrmModel Trunk => _trunk;

    /// <summary>The options in effect.</summary>
    public RewardModelOptions Options { get; }

    /// <summary>Encodes prompts and replies the way this model reads them.</summary>
    public RewardCollator Collator { get; }

    /// <summary>The base tokenizer (without the chat tokens); <see cref="Save"/> records it (a character vocabulary is saved beside the weights).</summary>
    public Tokenizer BaseTokenizer { get; }

    /// <summary>The device of the weights.</summary>
    public Device Device => _trunk.Device;

    /// <summary>Scores of right- or left-padded sequences, with gradients when enabled.</summary>
    /// <param name="inputIds">[B, T] token ids.</param>
    /// <param name="attentionMask">[B, T] bool, true for real tokens.</param>
    /// <returns>[B] float32 scores (the caller's dispose scope owns them).</returns>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        using var scope = NewDisposeScope();
        var mask = attentionMask.To(Device, DType.Bool);
        var hidden = _trunk.LmHidden(inputIds, mask).To(DType.Float32); // [B, T, H]
        Tensor pooled;
        if (Options.Pooling == RewardPooling.Mean)
        {
            var weights = mask.To(DType.Float32).Unsqueeze(-1);
            pooled = (hidden * weights).Sum(1) / weights.Sum(1).Clamp(1, null);
        }
        else
        {
            // The last real token of each row: the largest position index whose mask is set.
            var length = mask.Size(1);
            var positions = Tensors.Arange(length, DType.Int64, Device).Unsqueeze(0);
            var last = Tensors.Where(mask, positions, Tensors.ZerosLike(positions)).Max(1); // [B]
            var index = last.View(-1, 1, 1).Expand([hidden.Size(0), 1, hidden.Size(2)]);
            pooled = hidden.Gather(1, index).Squeeze(1);
        }
        return scope.MoveToOuter(_head.Forward(pooled).Squeeze(-1));
    }

    /// <summary>Scores of token sequences (no gradients, in batches of <paramref name="batchSize"/>).</summary>
    /// <param name="sequences">Token ids from <see cref="Collator"/>.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    public float[] ScoreSequences(IReadOnlyList<int[]> sequences, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var wasTraining = IsTraining;
        Eval();
        try
        {
            using var noGrad = NoGrad();
            var scores = new float[sequences.Count];
            for (var start = 0; start < sequences.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var rows = sequences.Skip(start).Take(batchSize).ToList();
                var (ids, mask) = RewardCollator.Pad(rows, Collator.Template.PadId, Device);
                Forward(ids, mask).To(Device.Cpu).ToArray<float>().CopyTo(scores, start);
            }
            return scores;
        }
        finally
        {
            Train(wasTraining);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<float> Score(IReadOnlyList<ChatMessage> context, IReadOnlyList<string> replies)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(replies);
        return replies.Count == 0 ? [] : ScoreSequences(Collator.Encode(context, replies));
    }

    /// <inheritdoc/>
    public float Score(string prompt, string reply)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(reply);
        return Score([ChatMessage.User(prompt)], [reply])[0];
    }

    /// <summary>
    /// Writes a verified checkpoint folder (<see cref="TrmCheckpoint.Write"/>, atomic): the trunk as <c>model.safetensors</c>
    /// (loadable as a language model too) and the head as <see cref="HeadFile"/> with the pooling and lengths.
    /// </summary>
    /// <param name="directory">The <c>step_N</c> folder to create.</param>
    /// <param name="step">The optimizer step recorded.</param>
    /// <param name="overwrite">Replace an existing folder.</param>
    public void Save(string directory, long step, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var step_ = step.ToString(CultureInfo.InvariantCulture);
        TrmCheckpoint.Write(directory, step, temp =>
        {
            var spec = BaseTokenizer.Name;
            if (BaseTokenizer is CharTokenizer chars)
            {
                chars.Save(Path.Combine(temp, VocabularyFile));
                spec = "char:" + VocabularyFile;
            }
            TrmStateDict.SaveReference(_trunk, Path.Combine(temp, TrmCheckpoint.ModelFile), new Dictionary<string, string>
            {
                ["format"] = "trm",
                [TrmCheckpoint.ConfigMetadataKey] = _trunk.Config.ToReferenceJson(),
                [TextGeneratorBuilder.TokenizerMetadataKey] = spec,
                ["step"] = step_,
            });
            SafeTensors.Save(Path.Combine(temp, HeadFile), _head.StateDict(), new Dictionary<string, string>
            {
                ["format"] = "trm-reward-head",
                ["pooling"] = Options.Pooling.ToString().ToLowerInvariant(),
                ["max_length"] = Options.MaxLength.ToString(CultureInfo.InvariantCulture),
                ["max_replies"] = Options.MaxReplies.ToString(CultureInfo.InvariantCulture),
                ["min_prefix_length"] = Options.MinPrefixLength.ToString(CultureInfo.InvariantCulture),
            });
        }, overwrite);
    }

    /// <summary>Loads a reward model saved by <see cref="Save"/> (a <c>step_N</c> folder, or a run folder: its latest step).</summary>
    /// <param name="path">The checkpoint or run folder.</param>
    /// <param name="device">Where the weights go (default CPU).</param>
    /// <param name="tokenizer">The base tokenizer; default: the checkpoint's <c>tokenizer</c> metadata, else GPT-2.</param>
    /// <exception cref="TrmCheckpointException">The folder is not a reward-model checkpoint or is damaged.</exception>
    public static TrmRewardModel Load(string path, Device? device = null, Tokenizer? tokenizer = null)
    {
        var checkpoint = TrmCheckpoint.Open(path);
        var headPath = checkpoint.FilePath(HeadFile);
        if (!File.Exists(headPath))
            throw new TrmCheckpointException(checkpoint.Path, $"has no {HeadFile}: not a reward-model checkpoint (train one with `trm rl train-rm`)");
        var spec = checkpoint.Metadata.GetValueOrDefault(TextGeneratorBuilder.TokenizerMetadataKey) ?? "gpt2";
        if (tokenizer is null && spec.StartsWith("char:", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(spec[5..]))
            spec = "char:" + checkpoint.FilePath(spec[5..]);
        tokenizer ??= Tokenizer.FromName(spec);
        var headMetadata = SafeTensors.ReadMetadata(headPath);
        var options = new RewardModelOptions
        {
            Pooling = headMetadata.GetValueOrDefault("pooling") == "mean" ? RewardPooling.Mean : RewardPooling.Last,
            MaxLength = Int(headMetadata, "max_length", 512),
            MaxReplies = Int(headMetadata, "max_replies", 5),
            MinPrefixLength = Int(headMetadata, "min_prefix_length", 256),
        };
        var trunk = checkpoint.LoadModel(device);
        TrmRewardModel? model = null;
        try
        {
            model = new TrmRewardModel(trunk, tokenizer, options);
            using var file = SafeTensors.Load(headPath, device);
            model._head.LoadStateDict(file.Tensors, strict: true);
            model.Eval();
            return model;
        }
        catch (Exception e) when (e is not TrmCheckpointException and not OutOfMemoryException)
        {
            if (model is not null) model.Dispose();
            else trunk.Dispose();
            throw new TrmCheckpointException(headPath, $"reward head does not fit the trunk: {e.Message}", e);
        }
    }

    private static int Int(IReadOnlyDictionary<string, string> metadata, string key, int fallback) =>
        metadata.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
