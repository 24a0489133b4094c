using System.Text.Json;
using System.Text.Json.Serialization;

using Trm.Core.IO;

namespace Trm.Data.Chat;

/// <summary>The <c>dataset.json</c> of a chat dataset folder (see docs/formats.md).</summary>
public sealed record ChatDatasetInfo
{
    /// <summary>The file name in a dataset folder.</summary>
    public const string FileName = "dataset.json";

    /// <summary>The layout version this code writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Always <c>trm-chat-dataset</c>.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = "trm-chat-dataset";

    /// <summary>The layout version.</summary>
    [JsonPropertyName("version")] public int Version { get; init; } = CurrentVersion;

    /// <summary>The tokenizer spec (<c>gpt2</c>, <c>char:&lt;path&gt;</c>).</summary>
    [JsonPropertyName("tokenizer")] public required string Tokenizer { get; init; }

    /// <summary>The vocabulary size including the chat tokens.</summary>
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }

    /// <summary>The element type of <c>*.tokens.bin</c> (<c>uint16</c> or <c>uint32</c>).</summary>
    [JsonPropertyName("dtype")] public required string Dtype { get; init; }

    /// <summary>Every special token of the tokenizer, by name.</summary>
    [JsonPropertyName("special_tokens")] public required IReadOnlyDictionary<string, int> SpecialTokens { get; init; }

    /// <summary>The id used to pad batches (<c>&lt;|pad|&gt;</c>).</summary>
    [JsonPropertyName("pad_id")] public required int PadId { get; init; }

    /// <summary>The id that ends every turn (<c>&lt;|end|&gt;</c>).</summary>
    [JsonPropertyName("end_id")] public required int EndId { get; init; }

    /// <summary>The maximum tokens per example.</summary>
    [JsonPropertyName("max_length")] public required int MaxLength { get; init; }

    /// <summary><c>truncate</c> or <c>drop</c>.</summary>
    [JsonPropertyName("over_length")] public required string OverLength { get; init; }

    /// <summary>The train fraction.</summary>
    [JsonPropertyName("train_split")] public required double TrainSplit { get; init; }

    /// <summary>The subsample size, or null for all.</summary>
    [JsonPropertyName("subsample_size")] public int? SubsampleSize { get; init; }

    /// <summary>The seed.</summary>
    [JsonPropertyName("seed")] public required long Seed { get; init; }

    /// <summary>The input file as given.</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }

    /// <summary>The input's format (detected or given).</summary>
    [JsonPropertyName("source_format")] public required string SourceFormat { get; init; }

    /// <summary>SHA-256 of the input file.</summary>
    [JsonPropertyName("source_sha256")] public required string SourceSha256 { get; init; }

    /// <summary>SHA-256 over the input hash and every option that changes the output; equal fingerprints mean equal datasets.</summary>
    [JsonPropertyName("fingerprint")] public required string Fingerprint { get; init; }

    /// <summary>Counts.</summary>
    [JsonPropertyName("counts")] public required ChatDatasetCounts Counts { get; init; }

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reads <c>dataset.json</c> from <paramref name="directory"/>.</summary>
    /// <exception cref="TrmDataException">Missing or malformed.</exception>
    public static ChatDatasetInfo Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new TrmDataException("file not found", path, null, null);
        try
        {
            var info = JsonSerializer.Deserialize<ChatDatasetInfo>(File.ReadAllText(path), JsonOptions) ?? throw new TrmDataException("empty file", path, null, null);
            if (info.Type != "trm-chat-dataset")
                throw new TrmDataException($"expected 'trm-chat-dataset', found '{info.Type}'", path, null, "type");
            return info;
        }
        catch (JsonException e)
        {
            throw new TrmDataException($"invalid dataset metadata: {e.Message}", path, e.LineNumber + 1, e.Path, e);
        }
    }

    /// <summary>Writes <c>dataset.json</c> into <paramref name="directory"/> atomically.</summary>
    public void Save(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, JsonOptions));
}
