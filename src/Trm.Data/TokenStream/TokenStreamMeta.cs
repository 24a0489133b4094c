using System.Text.Json;
using System.Text.Json.Serialization;

using Trm.Core.IO;

namespace Trm.Data.TokenStream;

/// <summary>
/// The <c>meta.json</c> of a nanoGPT-layout folder: vocabulary size, tokenizer, dtype and token counts, plus
/// <c>stoi</c>/<c>itos</c> for character vocabularies.
/// </summary>
public sealed record TokenStreamMeta
{
    /// <summary>The file name inside a dataset folder.</summary>
    public const string FileName = "meta.json";

    /// <summary>Number of token ids.</summary>
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }

    /// <summary>The tokenizer (<c>char</c>, <c>gpt2</c>).</summary>
    [JsonPropertyName("tokenizer")] public required string Tokenizer { get; init; }

    /// <summary>The element type of the <c>.bin</c> files (<c>uint16</c>, <c>uint32</c>).</summary>
    [JsonPropertyName("dtype")] public required string Dtype { get; init; }

    /// <summary>Tokens in <c>train.bin</c>.</summary>
    [JsonPropertyName("train_tokens")] public long TrainTokens { get; init; }

    /// <summary>Tokens in <c>val.bin</c>.</summary>
    [JsonPropertyName("val_tokens")] public long ValTokens { get; init; }

    /// <summary>Character → id, for character vocabularies.</summary>
    [JsonPropertyName("stoi")] public IReadOnlyDictionary<string, int>? Stoi { get; init; }

    /// <summary>Id → character, for character vocabularies (keys are decimal ids, as JSON needs string keys).</summary>
    [JsonPropertyName("itos")] public IReadOnlyDictionary<string, string>? Itos { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The parsed <see cref="Dtype"/>.</summary>
    [JsonIgnore] public TokenDtype TokenDtype => TokenDtypes.Parse(Dtype);

    /// <summary>Reads <c>meta.json</c> from <paramref name="directory"/>.</summary>
    /// <exception cref="TrmDataException">Missing or malformed file.</exception>
    public static TokenStreamMeta Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new TrmDataException("file not found", path, null, null);
        try
        {
            return JsonSerializer.Deserialize<TokenStreamMeta>(File.ReadAllText(path), JsonOptions)
                   ?? throw new TrmDataException("empty metadata", path, null, null);
        }
        catch (JsonException e)
        {
            throw new TrmDataException($"invalid metadata: {e.Message}", path, e.LineNumber + 1, e.Path, e);
        }
    }

    /// <summary>Writes <c>meta.json</c> into <paramref name="directory"/> atomically.</summary>
    public void Save(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, JsonOptions));
}
