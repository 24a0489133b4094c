using Microsoft.Extensions.Logging;
using Trm.Data;
using Trm.Data.Chat;
using Trm.Data.TokenStream;
using Trm.Inference.Generation;
using Trm.Model;
using Trm.Model.Configuration;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Training.Configuration;
using Trm.Training.Losses;

namespace Trm.Training.Language;

/// <summary>
/// The language-model side of the trainer: opens a chat dataset or token streams, serves the training micro-batches,
/// computes the masked next-token loss (summed; the trainer divides by the step's counted tokens, so gradient accumulation
/// equals one big batch), evaluates the held-out split (loss, perplexity, token accuracy) and writes a few greedy sample
/// generations. The optimizer, EMA, schedule, checkpoints and the run loop are the trainer's, shared with puzzles.
/// </summary>
internal sealed class LanguageModelTask : IDisposable
{
    private const int TokenStreamDefaultBlock = 256;
    private const int TokenStreamPromptTokens = 16;
    private readonly LossKind _loss;
    private readonly int _batchRows;
    private readonly bool _allTokens;
    private readonly ChatDataset? _chat;
    private readonly IReadOnlyList<TokenStreamDataset> _streams;
    private readonly Tokenizer? _tokenizer;
    private readonly int? _stopId;

    private LanguageModelTask(TrainingDataKind kind, TrainConfig config, int vocabSize, int blockSize, ILmBatchSource train,
        ChatDataset? chat, IReadOnlyList<TokenStreamDataset> streams, string? tokenizerSpec, string? vocabFile, Tokenizer? tokenizer, int? stopId)
    {
        Kind = kind;
        _loss = config.LossType;
        _batchRows = config.GlobalBatchSize;
        _allTokens = config.TrainOnAllTokens;
        VocabSize = vocabSize;
        BlockSize = blockSize;
        Train = train;
        _chat = chat;
        _streams = streams;
        TokenizerSpec = tokenizerSpec;
        VocabFile = vocabFile;
        _tokenizer = tokenizer;
        _stopId = stopId;
    }

    /// <summary>Chat or token streams.</summary>
    public TrainingDataKind Kind { get; }

    /// <summary>Token ids of the data (the model's vocabulary).</summary>
    public int VocabSize { get; }

    /// <summary>Tokens per row (the model's positions).</summary>
    public int BlockSize { get; }

    /// <summary>The training micro-batches.</summary>
    public ILmBatchSource Train { get; }

    /// <summary>The tokenizer spec for checkpoints (<c>gpt2</c>, <c>char:vocab.json</c>), or null when unknown.</summary>
    public string? TokenizerSpec { get; }

    /// <summary>A character vocabulary to copy beside the checkpoint's weights as <c>vocab.json</c>, or null.</summary>
    public string? VocabFile { get; }

    /// <summary>Whether there is a held-out split to evaluate.</summary>
    public bool HasEvaluation => Kind == TrainingDataKind.Chat ? _chat!.Val.Count > 0 : _streams.Any(s => s.Val.Length > BlockSize);

    /// <summary>
    /// The kind of data in <paramref name="paths"/>: all chat datasets, all token-stream folders, or puzzles (anything else,
    /// left to the puzzle loader's own checks).
    /// </summary>
    /// <exception cref="TrmConfigException">The folders mix kinds.</exception>
    public static TrainingDataKind Detect(IReadOnlyList<string> paths)
    {
        static TrainingDataKind Of(string path) => ChatDataset.Exists(path) ? TrainingDataKind.Chat
            : TokenStreamDataset.Exists(path) ? TrainingDataKind.TokenStream : TrainingDataKind.Puzzle;
        var kinds = paths.Select(p => (Path: p, Kind: Of(p))).ToList();
        if (kinds.Count == 0) return TrainingDataKind.Puzzle;
        var first = kinds[0];
        if (kinds.FirstOrDefault(k => k.Kind != first.Kind) is { Path: not null } other)
        {
            throw new TrmConfigException("data_paths", $"mixes kinds of data: '{first.Path}' is {Describe(first.Kind)} but '{other.Path}' is {Describe(other.Kind)}");
        }
        return first.Kind;
    }

    /// <summary>Names a kind for messages.</summary>
    public static string Describe(TrainingDataKind kind) => kind switch
    {
        TrainingDataKind.Chat => "a chat dataset",
        TrainingDataKind.TokenStream => "a token-stream folder",
        _ => "a puzzle dataset",
    };

    /// <summary>
    /// Opens the data of a language-model run. <paramref name="modelPositions"/> (a given model's sequence length) caps the
    /// chat rows when <c>block_size</c> is unset.
    /// </summary>
    /// <exception cref="TrmConfigException">Settings that do not fit the data.</exception>
    /// <exception cref="TrmDataException">A dataset is missing or malformed.</exception>
    public static LanguageModelTask Open(TrainConfig config, TrainingDataKind kind, int? modelPositions, ILogger logger)
    {
        var epochsPerPass = config.EvalInterval ?? config.Epochs;
        if (kind == TrainingDataKind.Chat) return OpenChat(config, modelPositions, epochsPerPass, logger);
        return OpenStreams(config, epochsPerPass, logger);
    }

    private static LanguageModelTask OpenChat(TrainConfig config, int? modelPositions, int epochsPerPass, ILogger logger)
    {
        if (config.DataPaths.Count != 1)
        {
            throw new TrmConfigException("data_paths", $"holds {config.DataPaths.Count} chat datasets; train on one (combine several with trm data build-sft)");
        }
        if (config.PackSequences && config.BlockSize is null)
        {
            throw new TrmConfigException("block_size", "is needed with pack_sequences=True (the packed row length)");
        }
        var chat = ChatDataset.Open(config.DataPaths[0]);
        try
        {
            var block = config.BlockSize ?? Math.Min(chat.Info.MaxLength - 1, modelPositions ?? int.MaxValue);
            if (block <= 0) throw new TrmConfigException("block_size", $"leaves no tokens per row (dataset max_length {chat.Info.MaxLength})");
            var options = new ChatBatchOptions { BatchSize = config.GlobalBatchSize, SequenceLength = block, Packed = config.PackSequences, Shuffle = true, Seed = config.Seed };
            var train = new ChatBatchSource(chat.Train, chat.Info, options, config.TrainOnAllTokens, epochsPerPass);
            var (spec, vocabFile, baseTokenizer) = ChatTokenizer(chat, logger);
            Tokenizer? tokenizer = null;
            if (baseTokenizer is not null)
            {
                tokenizer = ChatTemplate.Create(baseTokenizer).Tokenizer;
                if (tokenizer.VocabSize != chat.Info.VocabSize)
                {
                    logger.LogWarning("The tokenizer {Spec} with the chat tokens has {Ids} ids but the dataset {Count}: samples are not decoded", spec, tokenizer.VocabSize, chat.Info.VocabSize);
                    tokenizer = null;
                }
            }
            return new LanguageModelTask(TrainingDataKind.Chat, config, chat.Info.VocabSize, block, train, chat, [], spec, vocabFile, tokenizer, chat.Info.EndId);
        }
        catch
        {
            chat.Dispose();
            throw;
        }
    }

    private static LanguageModelTask OpenStreams(TrainConfig config, int epochsPerPass, ILogger logger)
    {
        var folders = config.DatasetList.Count > 0 ? config.DatasetList : config.DataPaths;
        var mode = TokenSamplingNames.ParseMode(config.TrainingMode);
        if (mode == TokenSamplingMode.Single && folders.Count != 1)
        {
            throw new TrmConfigException("training_mode", $"is single but {folders.Count} token-stream folders are given; use training_mode=multidataset or multicontext");
        }
        var probabilities = config.DatasetSamplingProbs.Count == 0 ? null : TokenSamplingNames.ParseProbabilities(string.Join(',', config.DatasetSamplingProbs));
        if (probabilities is not null && probabilities.Count != folders.Count)
        {
            throw new TrmConfigException("dataset_sampling_probs", $"has {probabilities.Count} values for {folders.Count} datasets");
        }
        var streams = new List<TokenStreamDataset>();
        try
        {
            foreach (var folder in folders) streams.Add(TokenStreamDataset.Open(folder));
            var block = config.BlockSize ?? TokenStreamDefaultBlock;
            var options = new TokenSamplerOptions
            {
                BatchSize = config.GlobalBatchSize,
                BlockSize = block,
                Mode = mode,
                Method = TokenSamplingNames.ParseMethod(config.SamplingMethod),
                Probabilities = probabilities,
                Seed = config.Seed,
            };
            // An epoch is one pass worth of training tokens (nanoGPT has no epochs: cap the run with max_steps / max_iters).
            long tokensPerMicroBatch = (long)config.GlobalBatchSize * block;
            long trainTokens = mode == TokenSamplingMode.MultiContext ? streams.Min(s => s.Train.Length) : streams.Sum(s => s.Train.Length);
            long perPass = Math.Max(1, trainTokens / tokensPerMicroBatch) * epochsPerPass;
            TokenStreamBatchSource train;
            try
            {
                train = new TokenStreamBatchSource([.. streams.Select(s => s.Train)], options, perPass);
            }
            catch (ArgumentException e)
            {
                throw new TrmConfigException(e.ParamName == "options" ? "dataset_sampling_probs" : "block_size", e.Message.Split(" (Parameter")[0]);
            }
            var (spec, vocabFile, tokenizer) = StreamTokenizer(streams[0], logger);
            var vocab = streams.Max(s => s.Meta.VocabSize);
            return new LanguageModelTask(TrainingDataKind.TokenStream, config, vocab, block, train, null, streams, spec, vocabFile, tokenizer, null);
        }
        catch
        {
            foreach (var s in streams) s.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the micro-batches forward and backward, each loss summed over its counted tokens and divided by
    /// <paramref name="stepTokens"/> (all counted tokens of the step). Returns the summed loss, counted tokens and right predictions.
    /// </summary>
    public (double LossSum, long Tokens, long Correct) ForwardBackward(TrmModel model, IReadOnlyList<LmBatch> batches, long stepTokens, Device device)
    {
        double lossSum = 0;
        long tokens = 0, correct = 0;
        foreach (var batch in batches)
        {
            if (batch.CountedTokens == 0) continue;
            using var scope = Engine.NewDisposeScope();
            var (sum, right) = Loss(model, batch, device);
            (sum / (double)stepTokens).Backward();
            lossSum += ReadDouble(sum);
            correct += (long)ReadDouble(right);
            tokens += batch.CountedTokens;
        }
        return (lossSum, tokens, correct);
    }

    /// <summary>
    /// Loss, perplexity and token accuracy over the held-out split (chat: the val examples in order, masked as in
    /// training; token streams: consecutive blocks of each stream's <c>val.bin</c>), at most <paramref name="maxRows"/> rows.
    /// </summary>
    public (Dictionary<string, double> Values, long Rows) Evaluate(TrmModel model, Device device, int? maxRows, CancellationToken cancellationToken)
    {
        double lossSum = 0;
        long tokens = 0, correct = 0, rows = 0;
        using (Engine.NoGrad())
        {
            foreach (var batch in EvaluationBatches(maxRows ?? int.MaxValue))
            {
                cancellationToken.ThrowIfCancellationRequested();
                rows += batch.Rows;
                if (batch.CountedTokens == 0) continue;
                using var scope = Engine.NewDisposeScope();
                var (sum, right) = Loss(model, batch, device);
                lossSum += ReadDouble(sum);
                correct += (long)ReadDouble(right);
                tokens += batch.CountedTokens;
            }
        }
        var loss = tokens == 0 ? double.NaN : lossSum / tokens;
        return (new Dictionary<string, double>
        {
            ["lm_loss"] = loss,
            ["perplexity"] = Math.Exp(loss),
            ["accuracy"] = tokens == 0 ? double.NaN : (double)correct / tokens,
            ["tokens"] = tokens,
            ["count"] = rows,
        }, rows);
    }

    /// <summary>
    /// Greedy continuations of the first <paramref name="count"/> held-out prompts (chat: each example up to its first
    /// trained token, i.e. the conversation before the assistant's answer; token streams: the first tokens of a block), as
    /// <c>prompt ⇒ completion</c> lines. Empty without a tokenizer to decode with.
    /// </summary>
    public IReadOnlyList<string> Samples(TrmModel model, int count, int maxNewTokens, CancellationToken cancellationToken)
    {
        if (count == 0 || _tokenizer is null) return [];
        var prompts = SamplePrompts(count).Where(p => p.Length > 0 && p.Length < BlockSize - 1).ToList();
        if (prompts.Count == 0) return [];
        var newTokens = Math.Min(maxNewTokens, BlockSize - prompts.Max(p => p.Length));
        using var generator = TextGenerator.CreateBuilder().WithModel(model).WithTokenizer(_tokenizer).Build();
        var options = GenerationOptions.Greedy with { MaxNewTokens = newTokens, StopTokens = _stopId is { } stop ? [stop] : [] };
        var results = generator.Generate(prompts, options, cancellationToken);
        return [.. prompts.Select((p, i) => $"{Tail(_tokenizer.Decode(p), 80)} ⇒ {results[i].Text}")];
    }

    private IEnumerable<int[]> SamplePrompts(int count)
    {
        if (_chat is not null)
        {
            var split = _chat.Val.Count > 0 ? _chat.Val : _chat.Train;
            for (var i = 0; i < Math.Min(count, split.Count); i++)
            {
                var (ids, mask) = split[i];
                var first = Array.IndexOf(mask, (byte)1);
                yield return first > 0 ? ids[..first] : [];
            }
            yield break;
        }
        var length = Math.Max(1, Math.Min(TokenStreamPromptTokens, BlockSize / 2));
        var val = _streams[0].Val.Length > length ? _streams[0].Val : _streams[0].Train;
        for (var i = 0; i < count; i++)
        {
            long start = (long)i * BlockSize;
            if (start + length > val.Length) yield break;
            var prompt = new int[length];
            val.CopyTo(start, prompt);
            yield return prompt;
        }
    }

    private IEnumerable<LmBatch> EvaluationBatches(int maxRows)
    {
        long rows = 0;
        if (_chat is not null)
        {
            var options = new ChatBatchOptions { BatchSize = _batchRows, SequenceLength = BlockSize, Shuffle = false };
            foreach (var batch in new ChatBatchLoader(_chat.Val, _chat.Info.PadId, _chat.Info.MaxLength, options).Epoch())
            {
                if (rows >= maxRows) yield break;
                rows += batch.BatchSize;
                yield return ChatBatchSource.ToLmBatch(batch, _chat.Info.PadId, _allTokens);
            }
            yield break;
        }
        foreach (var stream in _streams)
        {
            long windows = (stream.Val.Length - 1) / BlockSize;
            for (long w = 0; w < windows && rows < maxRows; w += _batchRows)
            {
                var n = (int)Math.Min(_batchRows, windows - w);
                var inputs = new int[n * BlockSize];
                var targets = new int[n * BlockSize];
                var window = new int[BlockSize + 1];
                for (var r = 0; r < n; r++)
                {
                    stream.Val.CopyTo((w + r) * BlockSize, window);
                    window.AsSpan(0, BlockSize).CopyTo(inputs.AsSpan(r * BlockSize));
                    window.AsSpan(1, BlockSize).CopyTo(targets.AsSpan(r * BlockSize));
                }
                var mask = new byte[inputs.Length];
                Array.Fill(mask, (byte)1);
                rows += n;
                yield return new LmBatch(n, BlockSize, inputs, targets, mask);
            }
        }
    }

    /// <summary>Summed per-token loss over the counted targets and the number predicted right (both scalars).</summary>
    private (Tensor Sum, Tensor Correct) Loss(TrmModel model, LmBatch batch, Device device)
    {
        var inputs = Tensors.FromArray(batch.InputIds(), batch.Rows, batch.Length).To(device);
        return MaskedLoss(model.LmForward(inputs), batch, _loss);
    }

    /// <summary>
    /// The next-token loss of <paramref name="logits"/> [rows, length, vocab] against the batch's targets, summed over the
    /// targets its mask counts (the others contribute nothing), and how many of those the arg-max predicts.
    /// </summary>
    public static (Tensor Sum, Tensor Correct) MaskedLoss(Tensor logits, LmBatch batch, LossKind loss)
    {
        var labels = Tensors.FromArray(batch.Labels(), batch.Rows, batch.Length).To(logits.Device);
        var perToken = loss == LossKind.StablemaxCrossEntropy
            ? StablemaxLoss.StablemaxCrossEntropy(logits, labels)
            : StablemaxLoss.SoftmaxCrossEntropy(logits, labels);
        Tensor correct;
        using (Engine.NoGrad())
        {
            correct = logits.ArgMax(-1).Eq(labels).Sum();
        }
        return (perToken.Sum(), correct);
    }

    private static double ReadDouble(Tensor scalar)
    {
        using var asDouble = scalar.To(DType.Float64);
        return asDouble.Item<double>();
    }

    private static string Tail(string text, int chars) => text.Length <= chars ? text : "…" + text[^chars..];

    private static (string? Spec, string? VocabFile, Tokenizer? Tokenizer) ChatTokenizer(ChatDataset chat, ILogger logger)
    {
        var spec = chat.Info.Tokenizer;
        if (!spec.StartsWith("char:", StringComparison.OrdinalIgnoreCase)) return (spec, null, TryLoad(spec, logger));
        var path = spec[5..];
        var candidates = Path.IsPathRooted(path) ? [path] : new[] { path, Path.Combine(chat.Directory, path), Path.Combine(chat.Directory, Path.GetFileName(path)) };
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            logger.LogWarning("The dataset's character vocabulary '{Path}' was not found: checkpoints name no tokenizer and samples are not decoded", path);
            return (null, null, null);
        }
        return ("char:" + CheckpointVocabFile, found, TryLoad("char:" + found, logger));
    }

    private static (string? Spec, string? VocabFile, Tokenizer? Tokenizer) StreamTokenizer(TokenStreamDataset stream, ILogger logger)
    {
        if (string.Equals(stream.Meta.Tokenizer, "gpt2", StringComparison.OrdinalIgnoreCase)) return ("gpt2", null, TryLoad("gpt2", logger));
        var vocab = Path.Combine(stream.Directory, TextDatasetPreparer.VocabFile);
        if (string.Equals(stream.Meta.Tokenizer, "char", StringComparison.OrdinalIgnoreCase) && File.Exists(vocab))
        {
            return ("char:" + CheckpointVocabFile, vocab, TryLoad("char:" + vocab, logger));
        }
        return (null, null, null);
    }

    private static Tokenizer? TryLoad(string spec, ILogger logger)
    {
        try
        {
            return Tokenizer.FromName(spec);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            logger.LogWarning("Cannot load the tokenizer {Spec} ({Message}): samples are not decoded", spec, e.Message);
            return null;
        }
    }

    /// <summary>The name of the character vocabulary copied into language-model checkpoints.</summary>
    public const string CheckpointVocabFile = "vocab.json";

    public void Dispose()
    {
        _chat?.Dispose();
        foreach (var s in _streams) s.Dispose();
    }
}
