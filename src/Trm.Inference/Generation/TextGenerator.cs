using System.Runtime.CompilerServices;
using Trm.Model.Language;
using Trm.Tokenization;
using Trm.Torch;
using static Trm.Torch.Engine;

namespace Trm.Inference.Generation;

/// <summary>
/// Generates text with a causal language model (the chat TRM or the plain transformer): one prompt or a batch of
/// prompts (left-padded into one batch, each row stopping on its own), to completion or streamed token by token, with
/// per-token log-probabilities. With the KV cache (the default) the prompt runs once and every new token costs one
/// pass of the model over one position; without it every token recomputes the whole window, as the TRM chat fork does.
/// Build one with <see cref="CreateBuilder"/>. Not thread-safe: one generation at a time.
/// </summary>
public sealed class TextGenerator : IDisposable
{
    private readonly bool _ownsModel;

    internal TextGenerator(ICausalLanguageModel model, Tokenizer tokenizer, bool ownsModel, bool useKvCache)
    {
        if (tokenizer.VocabSize > model.Config.VocabSize)
        {
            throw new InvalidOperationException(
                $"The tokenizer '{tokenizer.Name}' has {tokenizer.VocabSize} ids but the model only {model.Config.VocabSize} (vocab_size): they do not belong together.");
        }

        Model = model;
        Tokenizer = tokenizer;
        _ownsModel = ownsModel;
        UseKvCache = useKvCache;
    }

    /// <summary>A builder: from a checkpoint or a live model, with a tokenizer.</summary>
    public static TextGeneratorBuilder CreateBuilder() => new();

    /// <summary>The model.</summary>
    public ICausalLanguageModel Model { get; }

    /// <summary>The tokenizer (prompts are encoded and outputs decoded with it).</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>Use the KV cache (default true); false recomputes the whole window for every token.</summary>
    public bool UseKvCache { get; set; }

    /// <summary>Generates a continuation of <paramref name="prompt"/> (encoded with no special tokens allowed).</summary>
    public GenerationResult Generate(string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Generate([Tokenizer.EncodeToIds(prompt)], options, cancellationToken)[0];
    }

    /// <summary>Generates a continuation of every prompt in one batch; each row stops on its own.</summary>
    /// <param name="prompts">Token ids of each prompt (at least one token each).</param>
    /// <param name="options">Sampling and stopping (default <see cref="GenerationOptions.Default"/>).</param>
    /// <param name="cancellationToken">Stops between tokens.</param>
    public IReadOnlyList<GenerationResult> Generate(IReadOnlyList<int[]> prompts, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var run = new Run(this, prompts, options ?? GenerationOptions.Default);
        foreach (var _ in run.Steps(cancellationToken))
        {
        }

        return run.Results();
    }

    /// <summary>Streams the continuation of <paramref name="prompt"/> token by token.</summary>
    public IAsyncEnumerable<GeneratedToken> GenerateStreamingAsync(string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return GenerateStreamingAsync([Tokenizer.EncodeToIds(prompt)], options, cancellationToken);
    }

    /// <summary>Streams the continuations of a batch of prompts: each step's tokens, row by row, as they are drawn.</summary>
    /// <param name="prompts">Token ids of each prompt.</param>
    /// <param name="options">Sampling and stopping.</param>
    /// <param name="cancellationToken">Stops between tokens.</param>
    public async IAsyncEnumerable<GeneratedToken> GenerateStreamingAsync(IReadOnlyList<int[]> prompts, GenerationOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var run = new Run(this, prompts, options ?? GenerationOptions.Default);
        foreach (var step in run.Steps(cancellationToken))
        {
            foreach (var token in step) yield return token;
            await Task.Yield();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsModel && Model is IDisposable disposable) disposable.Dispose();
    }

    /// <summary>The state of one generation call.</summary>
    private sealed class Run
    {
        private readonly TextGenerator _owner;
        private readonly GenerationOptions _options;
        private readonly int[][] _prompts;
        private readonly Row[] _rows;
        private readonly Random _random;

        public Run(TextGenerator owner, IReadOnlyList<int[]> prompts, GenerationOptions options)
        {
            ArgumentNullException.ThrowIfNull(prompts);
            options.Validate();
            if (prompts.Count == 0) throw new ArgumentException("No prompts.", nameof(prompts));
            int max = owner.Model.MaxPositions;
            foreach (var prompt in prompts)
            {
                ArgumentNullException.ThrowIfNull(prompt, nameof(prompts));
                if (prompt.Length == 0) throw new ArgumentException("A prompt has no tokens.", nameof(prompts));
                if (prompt.Length >= max) throw new ArgumentException($"A prompt of {prompt.Length} tokens leaves no room in the model's {max} positions.", nameof(prompts));
            }

            _owner = owner;
            _options = options;
            _prompts = prompts.ToArray();
            _rows = _prompts.Select(_ => new Row()).ToArray();
            _random = options.Seed is long seed ? new Random(unchecked((int)(seed ^ (seed >>> 32)))) : new Random();
        }

        public IReadOnlyList<GenerationResult> Results() => _rows.Select((row, i) =>
            new GenerationResult(row.Tokens.ToArray(), row.Text, row.LogProbabilities.ToArray(), row.Finish ?? GenerationFinishReason.Length, _prompts[i].Length)).ToArray();

        public IEnumerable<IReadOnlyList<GeneratedToken>> Steps(CancellationToken cancellationToken)
        {
            var model = _owner.Model;
            int batch = _rows.Length, promptLength = _prompts.Max(p => p.Length), vocab = model.Config.VocabSize;
            int capacity = Math.Min(model.MaxPositions, promptLength + _options.MaxNewTokens);
            using var cache = _owner.UseKvCache ? model.CreateKvCache(batch, capacity) : null;

            float[] logits = Forward(Window(promptLength), batch, promptLength, cache);
            for (int step = 0; ; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var emitted = new List<GeneratedToken>(batch);
                for (int b = 0; b < batch; b++)
                {
                    var row = _rows[b];
                    if (row.Finish is not null) continue;
                    emitted.Add(Choose(b, row, logits.AsSpan(b * vocab, vocab)));
                }

                bool full = promptLength + step + 1 >= capacity;
                if (full)
                {
                    // Out of positions (or tokens): close the rows still running.
                    for (int b = 0; b < batch; b++)
                    {
                        if (_rows[b].Finish is not null) continue;
                        var reason = _rows[b].Tokens.Count >= _options.MaxNewTokens ? GenerationFinishReason.Length : GenerationFinishReason.ContextFull;
                        int i = emitted.FindIndex(t => t.Row == b);
                        emitted[i] = emitted[i] with { Text = emitted[i].Text + Finish(_rows[b], reason), FinishReason = reason };
                    }
                }

                yield return emitted;
                if (full || _rows.All(r => r.Finish is not null)) yield break;

                int length = promptLength + step + 1;
                logits = cache is null
                    ? Forward(Window(length), batch, length, null)
                    : Forward((_rows.Select(r => (long)r.Tokens[^1]).ToArray(), null), batch, 1, cache);
            }
        }

        /// <summary>Draws row <paramref name="b"/>'s next token and applies the stop rules.</summary>
        private GeneratedToken Choose(int b, Row row, ReadOnlySpan<float> logits)
        {
            var o = _options;
            // Only ids the tokenizer can decode are drawn (a model's vocabulary may be padded past the tokenizer's).
            var drawable = logits[..Math.Min(logits.Length, _owner.Tokenizer.VocabSize)];
            int token = o.Temperature <= 0
                ? TokenSampler.ArgMax(drawable)
                : TokenSampler.Sample(TokenSampler.Distribution(drawable, o.Temperature, o.TopK, o.TopP), _random);
            float logProbability = TokenSampler.LogProbability(logits, token);
            row.Tokens.Add(token);
            row.LogProbabilities.Add(logProbability);

            GenerationFinishReason? reason = null;
            string delta;
            if (o.StopTokens.Contains(token))
            {
                reason = GenerationFinishReason.StopToken;
                delta = Finish(row, reason.Value);
            }
            else
            {
                row.Text = _owner.Tokenizer.Decode(row.Tokens);
                int stop = o.StopStrings.Count == 0 ? -1 : StopStrings.Find(row.Text, o.StopStrings);
                if (stop >= 0)
                {
                    row.Text = row.Text[..stop];
                    reason = GenerationFinishReason.StopString;
                    delta = Finish(row, reason.Value);
                }
                else if (row.Tokens.Count >= o.MaxNewTokens)
                {
                    reason = GenerationFinishReason.Length;
                    delta = Finish(row, reason.Value);
                }
                else
                {
                    int safe = StopStrings.SafeLength(row.Text, o.StopStrings);
                    delta = safe > row.Shown ? row.Text[row.Shown..safe] : "";
                    row.Shown = Math.Max(row.Shown, safe);
                }
            }

            return new GeneratedToken(b, token, logProbability, delta, reason);
        }

        /// <summary>Closes a row: its final text (the stop token left out) and the part not yet shown.</summary>
        private string Finish(Row row, GenerationFinishReason reason)
        {
            if (row.Finish is not null) return "";
            row.Finish = reason;
            if (reason == GenerationFinishReason.StopToken) row.Text = _owner.Tokenizer.Decode(row.Tokens.Take(row.Tokens.Count - 1));
            var rest = row.Text.Length > row.Shown ? row.Text[row.Shown..] : "";
            row.Shown = row.Text.Length;
            return rest;
        }

        /// <summary>Every row's prompt and tokens so far, left-padded to <paramref name="length"/>, with the mask (null when no row is padded).</summary>
        private (long[] Ids, long[]? Mask) Window(int length)
        {
            var ids = new long[_rows.Length * length];
            var mask = new long[ids.Length];
            bool padded = false;
            for (int b = 0; b < _rows.Length; b++)
            {
                var sequence = _prompts[b].Concat(_rows[b].Tokens).ToArray();
                int pad = length - sequence.Length;
                padded |= pad > 0;
                for (int t = 0; t < sequence.Length; t++)
                {
                    ids[b * length + pad + t] = sequence[t];
                    mask[b * length + pad + t] = 1;
                }
            }

            return (ids, padded ? mask : null);
        }

        /// <summary>Runs the model on [batch, length] ids and returns the last position's logits as float32 [batch · vocab].</summary>
        private float[] Forward((long[] Ids, long[]? Mask) input, int batch, int length, TrmKvCache? cache)
        {
            // Grad mode is per thread and a streaming consumer may resume on another thread: set it per call.
            using var noGrad = NoGrad();
            using var scope = NewDisposeScope();
            var model = _owner.Model;
            var ids = Tensors.FromArray(input.Ids, batch, length).To(model.Device);
            var mask = input.Mask is null ? null : Tensors.FromArray(input.Mask, batch, length).To(model.Device);
            var logits = model.LmForward(ids, mask, cache);
            return logits.Select(1, length - 1).To(Device.Cpu, DType.Float32).Contiguous().ToArray<float>();
        }
    }

    /// <summary>One row's progress.</summary>
    private sealed class Row
    {
        public List<int> Tokens { get; } = [];

        public List<float> LogProbabilities { get; } = [];

        public string Text { get; set; } = "";

        /// <summary>Characters of <see cref="Text"/> already streamed.</summary>
        public int Shown { get; set; }

        public GenerationFinishReason? Finish { get; set; }
    }
}
