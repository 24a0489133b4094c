using System.Text.Json;
using System.Text.Json.Serialization;

using Trm.Core.IO;

namespace Trm.Data.Sft;

/// <summary>
/// <c>mixture.json</c>: what an SFT mixture holds and where it came from — per source requested, taken, skipped,
/// epochs and examples — beside the chat dataset built from it.
/// </summary>
public sealed record SftMixtureManifest
{
    /// <summary>The file name in the dataset folder.</summary>
    public const string FileName = "mixture.json";

    /// <summary>The conversations of the mixture, in shuffled order (JSONL chat), in the dataset folder.</summary>
    public const string ConversationsFileName = "mixture.jsonl";

    /// <summary>Always <c>trm-sft-mixture</c>.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = "trm-sft-mixture";

    /// <summary>Layout version (1).</summary>
    [JsonPropertyName("version")] public int Version { get; init; } = 1;

    /// <summary>The recipe, or <see langword="null"/> for a hand-made mixture.</summary>
    [JsonPropertyName("recipe")] public string? Recipe { get; init; }

    /// <summary>The shuffle seed.</summary>
    [JsonPropertyName("seed")] public required long Seed { get; init; }

    /// <summary>The chat ratio asked for, or <see langword="null"/>.</summary>
    [JsonPropertyName("chat_ratio")] public double? ChatRatio { get; init; }

    /// <summary>Examples of the mixture (sum of the sources' examples).</summary>
    [JsonPropertyName("examples")] public required long Examples { get; init; }

    /// <summary>Examples from chat sources.</summary>
    [JsonPropertyName("chat_examples")] public required long ChatExamples { get; init; }

    /// <summary>Per source, in the order they were added.</summary>
    [JsonPropertyName("sources")] public required IReadOnlyList<SftSourceCounts> Sources { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Reads <c>mixture.json</c> from <paramref name="directory"/>.</summary>
    /// <exception cref="TrmDataException">Missing or malformed.</exception>
    public static SftMixtureManifest Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new TrmDataException("file not found", path, null, null);
        try
        {
            return JsonSerializer.Deserialize<SftMixtureManifest>(File.ReadAllText(path)) ?? throw new TrmDataException("is null", path, null, null);
        }
        catch (JsonException e)
        {
            throw new TrmDataException($"invalid mixture manifest: {e.Message}", path, null, null, e);
        }
    }

    /// <summary>Writes <c>mixture.json</c> into <paramref name="directory"/> (atomically).</summary>
    public void Save(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, JsonOptions));

    /// <summary>One line per source: <c>name (role): requested, taken, skipped, epochs → examples</c>.</summary>
    public override string ToString()
    {
        var lines = Sources.Select(s => $"  {s.Name} ({s.Role}, {s.Reasoning}): requested {(s.Requested is { } r ? r.ToString("N0") : "all")}, taken {s.Taken:N0}, skipped {s.Skipped:N0}, epochs {s.Epochs} → {s.Examples:N0} examples");
        return $"mixture{(Recipe is null ? "" : " " + Recipe)}: {Examples:N0} examples ({ChatExamples:N0} chat), seed {Seed}" + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
