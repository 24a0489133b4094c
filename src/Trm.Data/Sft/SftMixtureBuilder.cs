using System.Text.Json;
using Microsoft.Extensions.Logging;
using Trm.Core.IO;
using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Tokenization.Chat;

namespace Trm.Data.Sft;

/// <summary>
/// Draws an SFT mixture from several sources (stop counts, epochs, a chat ratio with per-source weights), shuffles it
/// deterministically by seed, and builds it into a chat dataset with <see cref="ChatDatasetBuilder"/> plus a manifest
/// that counts every source exactly. See docs/sft-data.md; <see cref="SftRecipes"/> makes the named recipes.
/// </summary>
/// <example>
/// <code>
/// var result = await new SftMixtureBuilder()
///     .Add(SftSource.FromFile("gsm8k/train.jsonl") with { Stop = 5_000, Role = "reasoning" })
///     .Add(SftSource.FromFile("alpaca-seed/seed_tasks.jsonl") with { IsChat = true })
///     .WithChatRatio(0.30)
///     .WithSeed(42)
///     .BuildAsync("data/sft");
/// Console.WriteLine(result.Manifest);
/// </code>
/// </example>
public sealed class SftMixtureBuilder
{
    private readonly List<SftSource> _sources = [];
    private SftMixtureOptions _options = new();
    private bool _force;
    private ILogger? _logger;

    /// <summary>The sources added so far, in order.</summary>
    public IReadOnlyList<SftSource> Sources => _sources;

    /// <summary>The options set so far.</summary>
    public SftMixtureOptions Options => _options;

    /// <summary>Adds a source (names must be unique).</summary>
    public SftMixtureBuilder Add(SftSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _sources.Add(source);
        return this;
    }

    /// <summary>Replaces the options.</summary>
    public SftMixtureBuilder WithOptions(SftMixtureOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Fills the chat sources to <paramref name="ratio"/> of the mixture (e.g. 0.30).</summary>
    public SftMixtureBuilder WithChatRatio(double? ratio) => With(o => o with { ChatRatio = ratio });

    /// <summary>Sets the shuffle and split seed.</summary>
    public SftMixtureBuilder WithSeed(long seed) => With(o => o with { Seed = seed });

    /// <summary>Names the recipe in the manifest.</summary>
    public SftMixtureBuilder WithRecipeName(string? recipe) => With(o => o with { Recipe = recipe });

    /// <summary>Uses the tokenizer <paramref name="spec"/>: <c>gpt2</c> or <c>char:&lt;vocab.json&gt;</c>.</summary>
    public SftMixtureBuilder WithTokenizer(string spec) => With(o => o with { Tokenizer = spec });

    /// <summary>Caps examples at <paramref name="maxLength"/> tokens, truncating or dropping longer ones.</summary>
    public SftMixtureBuilder WithMaxLength(int maxLength, OverLengthPolicy overLength = OverLengthPolicy.Truncate)
        => With(o => o with { MaxLength = maxLength, OverLength = overLength });

    /// <summary>Puts <paramref name="trainFraction"/> of the mixture in the train split.</summary>
    public SftMixtureBuilder WithTrainSplit(double trainFraction) => With(o => o with { TrainSplit = trainFraction });

    /// <summary>Throws on malformed records (default) or skips and counts them.</summary>
    public SftMixtureBuilder OnMalformed(MalformedRecordPolicy policy) => With(o => o with { OnMalformed = policy });

    /// <summary>Rebuilds the chat dataset even when it is up to date.</summary>
    public SftMixtureBuilder Force(bool force = true)
    {
        _force = force;
        return this;
    }

    /// <summary>Logs the stages and counts.</summary>
    public SftMixtureBuilder WithLogger(ILogger logger)
    {
        _logger = logger;
        return this;
    }

    /// <summary>
    /// Reads the sources and draws the mixture in memory: main sources give their first <see cref="SftSource.Stop"/>
    /// conversations × <see cref="SftSource.Epochs"/>; under a chat ratio the chat sources share
    /// <c>floor(main × ratio / (1 − ratio))</c> examples by weight (largest remainders); then everything is shuffled
    /// (Fisher–Yates, SplitMix64 seeded from <see cref="SftMixtureOptions.Seed"/>).
    /// </summary>
    /// <exception cref="TrmDataException">Bad sources or options, or a malformed record under the throw policy.</exception>
    public SftMixture Mix(CancellationToken cancellationToken = default)
    {
        Validate();
        var ratio = _options.ChatRatio;
        var taken = new List<Conversation>[_sources.Count];
        var counters = new SftSourceCounter[_sources.Count];
        var requested = new long?[_sources.Count];
        for (var i = 0; i < _sources.Count; i++)
        {
            if (ratio is not null && _sources[i].IsChat)
                continue;
            requested[i] = _sources[i].Stop;
            (taken[i], counters[i]) = Take(_sources[i], _sources[i].Stop, cancellationToken);
        }
        if (ratio is { } r)
        {
            var main = Enumerable.Range(0, _sources.Count).Where(i => !_sources[i].IsChat).Sum(i => (long)taken[i].Count * _sources[i].Epochs);
            var chatTotal = (long)Math.Floor((decimal)main * (decimal)r / (1 - (decimal)r));
            var chat = Enumerable.Range(0, _sources.Count).Where(i => _sources[i].IsChat).ToArray();
            var shares = SplitByWeight(chatTotal, chat.Select(i => _sources[i].Weight).ToArray());
            for (var k = 0; k < chat.Length; k++)
            {
                var i = chat[k];
                var want = _sources[i].Stop is { } stop ? Math.Min(stop, shares[k]) : shares[k];
                requested[i] = want;
                (taken[i], counters[i]) = Take(_sources[i], (int)Math.Min(want, int.MaxValue), cancellationToken);
            }
        }

        var examples = new List<Conversation>();
        var counts = new List<SftSourceCounts>();
        for (var i = 0; i < _sources.Count; i++)
        {
            var source = _sources[i];
            for (var epoch = 1; epoch <= source.Epochs; epoch++)
            {
                var suffix = epoch == 1 ? "" : $"@{epoch}";
                examples.AddRange(taken[i].Select(c => c with { SourceId = $"{source.Name}/{c.SourceId}{suffix}" }));
            }
            counts.Add(new SftSourceCounts
            {
                Name = source.Name,
                Role = source.RoleName,
                Input = source.Input,
                Reasoning = source.Reasoning.ToString().ToLowerInvariant(),
                Requested = requested[i],
                Taken = taken[i].Count,
                Skipped = counters[i].Skipped,
                Epochs = source.Epochs,
                Examples = (long)taken[i].Count * source.Epochs,
                Weight = ratio is not null && source.IsChat ? source.Weight : null,
            });
        }
        Shuffle(examples, SplitMix64.Mix(unchecked((ulong)_options.Seed), 0x5F7_3D1A));
        var manifest = new SftMixtureManifest
        {
            Recipe = _options.Recipe,
            Seed = _options.Seed,
            ChatRatio = ratio,
            Examples = examples.Count,
            ChatExamples = counts.Where((_, i) => _sources[i].IsChat).Sum(c => c.Examples),
            Sources = counts,
        };
        _logger?.LogInformation("{Manifest}", manifest);
        return new SftMixture(examples, manifest);
    }

    /// <summary>
    /// Draws the mixture, writes it to <c>mixture.jsonl</c> in <paramref name="outputDirectory"/>, builds the chat
    /// dataset there from it (reused when up to date) and writes <c>mixture.json</c>.
    /// </summary>
    /// <exception cref="TrmDataException">Bad sources or options, a malformed record, or a failed build.</exception>
    /// <param name="outputDirectory">The dataset folder.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Stops the build.</param>
    public SftBuildResult Build(string outputDirectory, IProgress<ChatBuildProgress>? progress = null, CancellationToken cancellationToken = default) =>
        BuildAsync(outputDirectory, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Draws the mixture, writes it to <c>mixture.jsonl</c> in <paramref name="outputDirectory"/>, builds the chat
    /// dataset there from it (reused when up to date) and writes <c>mixture.json</c>.
    /// </summary>
    /// <exception cref="TrmDataException">Bad sources or options, a malformed record, or a failed build.</exception>
    public async Task<SftBuildResult> BuildAsync(string outputDirectory, IProgress<ChatBuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        var chatOptions = new ChatDatasetOptions
        {
            InputPath = Path.Combine(outputDirectory, SftMixtureManifest.ConversationsFileName),
            Format = ChatFormat.JsonlChat,
            Tokenizer = _options.Tokenizer,
            MaxLength = _options.MaxLength,
            OverLength = _options.OverLength,
            TrainSplit = _options.TrainSplit,
            Seed = _options.Seed,
        };
        chatOptions.Validate();
        var mixture = await Task.Run(() => Mix(cancellationToken), cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(outputDirectory);
        WriteConversations(chatOptions.InputPath, mixture.Conversations);
        var builder = new ChatDatasetBuilder().WithOptions(chatOptions).Force(_force);
        if (_logger is not null)
            builder.WithLogger(_logger);
        var dataset = await builder.BuildAsync(outputDirectory, progress, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(chatOptions.InputPath))
            WriteConversations(chatOptions.InputPath, mixture.Conversations); // the folder was replaced by the build
        mixture.Manifest.Save(outputDirectory);
        return new SftBuildResult(outputDirectory, mixture.Manifest, dataset);
    }

    /// <summary>Writes conversations as JSONL chat (<c>id</c>, <c>messages</c> of role/content/reasoning), atomically.</summary>
    public static void WriteConversations(string path, IEnumerable<Conversation> conversations)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            foreach (var conversation in conversations)
            {
                writer.WriteStartObject();
                writer.WriteString("id", conversation.SourceId);
                writer.WriteStartArray("messages");
                foreach (var turn in conversation.Turns)
                {
                    writer.WriteStartObject();
                    writer.WriteString("role", turn.Role switch { ChatRole.System => "system", ChatRole.User => "user", _ => "assistant" });
                    writer.WriteString("content", turn.Text);
                    if (turn.Reasoning is not null)
                        writer.WriteString("reasoning", turn.Reasoning);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.Flush();
                stream.WriteByte((byte)'\n');
                writer.Reset();
            }
        });
    }

    private void Validate()
    {
        _options.Validate();
        if (_sources.Count == 0)
            throw new TrmDataException("an SFT mixture needs at least one source");
        var duplicate = _sources.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new TrmDataException($"two sources are named '{duplicate.Key}'; give each a distinct name");
        foreach (var source in _sources)
        {
            if (source.Stop is < 0)
                throw new TrmDataException($"source '{source.Name}': stop must not be negative, got {source.Stop}");
            if (source.Epochs < 1)
                throw new TrmDataException($"source '{source.Name}': epochs must be at least 1, got {source.Epochs}");
            if (!(source.Weight > 0) || double.IsInfinity(source.Weight))
                throw new TrmDataException($"source '{source.Name}': weight must be positive, got {source.Weight}");
            if (_options.ChatRatio is not null && source.IsChat && source.Epochs != 1)
                throw new TrmDataException($"source '{source.Name}': a chat source filled to the chat ratio takes epochs 1, got {source.Epochs}");
        }
        if (_options.ChatRatio is not null && (!_sources.Any(s => s.IsChat) || _sources.All(s => s.IsChat)))
            throw new TrmDataException("a chat ratio needs at least one chat source and one other source");
    }

    private (List<Conversation>, SftSourceCounter) Take(SftSource source, int? limit, CancellationToken cancellationToken)
    {
        var counter = new SftSourceCounter();
        var list = new List<Conversation>();
        if (limit == 0)
            return (list, counter);
        foreach (var conversation in source.Open(source, _options.OnMalformed, counter, cancellationToken))
        {
            list.Add(conversation);
            if (list.Count == limit)
                break;
        }
        return (list, counter);
    }

    /// <summary>Splits <paramref name="total"/> by <paramref name="weights"/>: floors of the exact shares, the rest one each to the largest remainders (earlier first on ties).</summary>
    public static long[] SplitByWeight(long total, double[] weights)
    {
        var sum = weights.Sum(w => (decimal)w);
        var exact = weights.Select(w => total * (decimal)w / sum).ToArray();
        var shares = exact.Select(e => (long)Math.Floor(e)).ToArray();
        var left = total - shares.Sum();
        foreach (var k in Enumerable.Range(0, weights.Length).OrderByDescending(k => exact[k] - shares[k]).ThenBy(k => k).Take((int)left))
            shares[k]++;
        return shares;
    }

    private static void Shuffle(List<Conversation> items, ulong seed)
    {
        var rng = new SplitMix64(seed);
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = (int)rng.NextLong(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private SftMixtureBuilder With(Func<SftMixtureOptions, SftMixtureOptions> change)
    {
        _options = change(_options);
        return this;
    }
}
