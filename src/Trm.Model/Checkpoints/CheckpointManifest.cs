using System.Text.Json.Serialization;

namespace Trm.Model.Checkpoints;

/// <summary>
/// <c>manifest.json</c> of a checkpoint folder: written last, it lists every file with its size and SHA-256 so that a
/// partial or corrupted checkpoint is detected on load.
/// </summary>
public sealed record CheckpointManifest
{
    /// <summary>The format tag, <c>trm-checkpoint</c>.</summary>
    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;

    /// <summary>Layout version.</summary>
    [JsonPropertyName("version")] public int Version { get; init; } = CurrentVersion;

    /// <summary>Optimizer step the checkpoint was taken after.</summary>
    [JsonPropertyName("step")] public long Step { get; init; }

    /// <summary>UTC creation time.</summary>
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }

    /// <summary>Files by name (relative to the checkpoint folder).</summary>
    [JsonPropertyName("files")] public IReadOnlyDictionary<string, CheckpointFileEntry> Files { get; init; } = new Dictionary<string, CheckpointFileEntry>();

    /// <summary>The format tag written in <see cref="Format"/>.</summary>
    public const string FormatName = "trm-checkpoint";

    /// <summary>The layout version this SDK writes.</summary>
    public const int CurrentVersion = 1;
}

/// <summary>Size and SHA-256 (lower-case hex) of one checkpoint file.</summary>
/// <param name="Bytes">File length.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
public sealed record CheckpointFileEntry(
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);
