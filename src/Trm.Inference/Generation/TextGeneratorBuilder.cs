using Trm.Inference.Chat;
using Trm.Model.Checkpoints;
using Trm.Model.Language;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;

namespace Trm.Inference.Generation;

/// <summary>
/// Builds a <see cref="TextGenerator"/> or a <see cref="ChatGenerator"/>:
/// <code>
/// using var chat = TextGenerator.CreateBuilder().FromCheckpoint("checkpoints/chat/step_5000").WithTokenizer("gpt2").BuildChat();
/// </code>
/// The model comes from a checkpoint (a <c>step_N</c> or run folder, verified, or a bare <c>.safetensors</c> file, through
/// <see cref="TrmCheckpoint"/>) or is a live model. The tokenizer is the one given, else the checkpoint's <c>tokenizer</c>
/// metadata (a spec such as <c>gpt2</c> or <c>char:vocab.json</c>, a relative vocabulary path being read from the checkpoint
/// folder), else GPT-2.
/// </summary>
public sealed class TextGeneratorBuilder
{
    /// <summary>The checkpoint metadata key naming the tokenizer spec (see <see cref="Tokenizer.FromName"/>).</summary>
    public const string TokenizerMetadataKey = "tokenizer";

    private string? _checkpoint;
    private ICausalLanguageModel? _model;
    private Tokenizer? _tokenizer;
    private string? _tokenizerSpec;
    private Device? _device;
    private bool _useKvCache = true;

    /// <summary>Loads the model from a checkpoint folder or a bare weights file.</summary>
    public TextGeneratorBuilder FromCheckpoint(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _checkpoint = path;
        _model = null;
        return this;
    }

    /// <summary>Uses a live model (not disposed with the generator).</summary>
    public TextGeneratorBuilder WithModel(ICausalLanguageModel model)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _checkpoint = null;
        return this;
    }

    /// <summary>Uses <paramref name="tokenizer"/> (for chat, the base tokenizer or one that already has the chat tokens).</summary>
    public TextGeneratorBuilder WithTokenizer(Tokenizer tokenizer)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        _tokenizerSpec = null;
        return this;
    }

    /// <summary>Uses the tokenizer named by <paramref name="spec"/>: <c>gpt2</c> or <c>char:&lt;vocab.json&gt;</c>.</summary>
    public TextGeneratorBuilder WithTokenizer(string spec)
    {
        ArgumentException.ThrowIfNullOrEmpty(spec);
        _tokenizerSpec = spec;
        _tokenizer = null;
        return this;
    }

    /// <summary>Loads a checkpoint's model on <paramref name="device"/> (default CPU).</summary>
    public TextGeneratorBuilder OnDevice(Device device)
    {
        _device = device;
        return this;
    }

    /// <summary>Use the KV cache (default) or recompute the window for every token.</summary>
    public TextGeneratorBuilder WithKvCache(bool enabled = true)
    {
        _useKvCache = enabled;
        return this;
    }

    /// <summary>Builds a plain text generator.</summary>
    /// <exception cref="InvalidOperationException">No model was given, or the tokenizer does not fit the model.</exception>
    /// <exception cref="TrmCheckpointException">The checkpoint cannot be read.</exception>
    public TextGenerator Build()
    {
        var (model, owns, tokenizer) = Resolve();
        try
        {
            return new TextGenerator(model, tokenizer, owns, _useKvCache);
        }
        catch
        {
            if (owns && model is IDisposable disposable) disposable.Dispose();
            throw;
        }
    }

    /// <summary>Builds a chat generator: the tokenizer extended with the chat template's tokens.</summary>
    public ChatGenerator BuildChat()
    {
        var (model, owns, tokenizer) = Resolve();
        try
        {
            var template = ChatTemplate.Create(tokenizer);
            return new ChatGenerator(new TextGenerator(model, template.Tokenizer, owns, _useKvCache), template);
        }
        catch
        {
            if (owns && model is IDisposable disposable) disposable.Dispose();
            throw;
        }
    }

    private (ICausalLanguageModel Model, bool Owns, Tokenizer Tokenizer) Resolve()
    {
        if (_model is not null)
        {
            return (_model, false, _tokenizer ?? Tokenizer.FromName(_tokenizerSpec ?? "gpt2"));
        }

        if (_checkpoint is null) throw new InvalidOperationException("TextGeneratorBuilder: call FromCheckpoint or WithModel first.");
        var checkpoint = File.Exists(_checkpoint) ? TrmCheckpoint.Import(_checkpoint) : TrmCheckpoint.Open(_checkpoint);
        var spec = _tokenizerSpec ?? checkpoint.Metadata.GetValueOrDefault(TokenizerMetadataKey) ?? "gpt2";
        if (_tokenizerSpec is null && spec.StartsWith("char:", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(spec[5..]))
        {
            spec = "char:" + checkpoint.FilePath(spec[5..]); // a vocabulary saved beside the weights
        }

        var tokenizer = _tokenizer ?? Tokenizer.FromName(spec);
        var model = checkpoint.LoadModel(_device);
        return (model, true, tokenizer);
    }
}
