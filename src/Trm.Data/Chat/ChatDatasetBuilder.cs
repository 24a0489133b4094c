using Microsoft.Extensions.Logging;
using Trm.Data.Oasst;
using Trm.Data.Readers;

namespace Trm.Data.Chat;

/// <summary>
/// Builds a tokenized chat dataset (see docs/formats.md) from a chat/instruction file.
/// </summary>
/// <example>
/// <code>
/// var result = await new ChatDatasetBuilder()
///     .FromFile("alpaca_data.json")
///     .WithTokenizer("gpt2")
///     .WithMaxLength(1024, OverLengthPolicy.Drop)
///     .WithTrainSplit(0.95)
///     .WithSubsample(10_000, seed: 7)
///     .BuildAsync("data/alpaca-gpt2");
/// </code>
/// </example>
public sealed class ChatDatasetBuilder
{
    private ChatDatasetOptions? _options;
    private bool _force;
    private ILogger? _logger;

    /// <summary>Starts from <paramref name="options"/> (replaces anything set before).</summary>
    public ChatDatasetBuilder WithOptions(ChatDatasetOptions options)
    {
        _options = options;
        return this;
    }

    /// <summary>Reads <paramref name="path"/> in <paramref name="format"/> (default: detected).</summary>
    public ChatDatasetBuilder FromFile(string path, ChatFormat format = ChatFormat.Auto)
    {
        _options = (_options ?? new ChatDatasetOptions { InputPath = path }) with { InputPath = path, Format = format };
        return this;
    }

    /// <summary>Uses the tokenizer <paramref name="spec"/>: <c>gpt2</c> or <c>char:&lt;vocab.json&gt;</c>.</summary>
    public ChatDatasetBuilder WithTokenizer(string spec) => With(o => o with { Tokenizer = spec });

    /// <summary>Caps examples at <paramref name="maxLength"/> tokens, truncating or dropping longer ones.</summary>
    public ChatDatasetBuilder WithMaxLength(int maxLength, OverLengthPolicy overLength = OverLengthPolicy.Truncate)
        => With(o => o with { MaxLength = maxLength, OverLength = overLength });

    /// <summary>Puts <paramref name="trainFraction"/> of the conversations in the train split.</summary>
    public ChatDatasetBuilder WithTrainSplit(double trainFraction) => With(o => o with { TrainSplit = trainFraction });

    /// <summary>Keeps <paramref name="size"/> conversations drawn at random (and sets the seed when given).</summary>
    public ChatDatasetBuilder WithSubsample(int size, long? seed = null) => With(o => o with { SubsampleSize = size, Seed = seed ?? o.Seed });

    /// <summary>Sets the seed of subsampling and splitting.</summary>
    public ChatDatasetBuilder WithSeed(long seed) => With(o => o with { Seed = seed });

    /// <summary>Throws on malformed records (default) or skips and counts them.</summary>
    public ChatDatasetBuilder OnMalformed(MalformedRecordPolicy policy) => With(o => o with { OnMalformed = policy });

    /// <summary>Sets how OASST1 threads are extracted.</summary>
    public ChatDatasetBuilder WithOasst(OasstOptions oasst) => With(o => o with { Oasst = oasst });

    /// <summary>Tokenizes on at most <paramref name="threads"/> threads (default: all cores).</summary>
    public ChatDatasetBuilder WithParallelism(int threads) => With(o => o with { Parallelism = threads });

    /// <summary>Rebuilds even when the folder holds a dataset with the same fingerprint.</summary>
    public ChatDatasetBuilder Force(bool force = true)
    {
        _force = force;
        return this;
    }

    /// <summary>Logs the stages and counts.</summary>
    public ChatDatasetBuilder WithLogger(ILogger logger)
    {
        _logger = logger;
        return this;
    }

    /// <summary>The options as set so far.</summary>
    /// <exception cref="InvalidOperationException">No input was given.</exception>
    public ChatDatasetOptions Options => _options ?? throw new InvalidOperationException("Call FromFile (or WithOptions) first.");

    /// <summary>Builds (or reuses) the dataset in <paramref name="outputDirectory"/>, blocking until done (see <see cref="BuildAsync"/>).</summary>
    /// <param name="outputDirectory">The dataset folder.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Stops the build.</param>
    /// <exception cref="TrmDataException">Bad input, bad options, or a malformed record under the throw policy.</exception>
    public ChatDatasetBuildResult Build(string outputDirectory, IProgress<ChatBuildProgress>? progress = null, CancellationToken cancellationToken = default) =>
        BuildAsync(outputDirectory, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Builds (or reuses) the dataset in <paramref name="outputDirectory"/>.</summary>
    /// <exception cref="TrmDataException">Bad input, bad options, or a malformed record under the throw policy.</exception>
    public Task<ChatDatasetBuildResult> BuildAsync(string outputDirectory, IProgress<ChatBuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var options = Options;
        options.Validate();
        return Task.Run(() => new ChatDatasetWriter(options, outputDirectory, _force, progress, _logger).Build(cancellationToken), cancellationToken);
    }

    private ChatDatasetBuilder With(Func<ChatDatasetOptions, ChatDatasetOptions> change)
    {
        _options = change(Options);
        return this;
    }
}
