using System.Text.Json.Serialization;

namespace Trm.Data.Sft;

/// <summary>What one source gave to a mixture, counted exactly.</summary>
public sealed record SftSourceCounts
{
    /// <summary>The source's name.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary><c>main</c>, <c>chat</c>, or the recipe's word for it (<c>reasoning</c>, <c>rs</c>, <c>reasoning_answer_only</c>…).</summary>
    [JsonPropertyName("role")] public required string Role { get; init; }

    /// <summary>What was read (paths).</summary>
    [JsonPropertyName("input")] public required string Input { get; init; }

    /// <summary>What reasoning traces became: <c>think</c>, <c>plain</c> or <c>drop</c>.</summary>
    [JsonPropertyName("reasoning")] public required string Reasoning { get; init; }

    /// <summary>Conversations asked for: the stop, or the chat ratio's share; <see langword="null"/> = all there are.</summary>
    [JsonPropertyName("requested")] public long? Requested { get; init; }

    /// <summary>Distinct conversations taken (fewer than requested when the source ran out).</summary>
    [JsonPropertyName("taken")] public required long Taken { get; init; }

    /// <summary>Malformed records (or undecodable examples) skipped while reading the taken ones.</summary>
    [JsonPropertyName("skipped")] public required long Skipped { get; init; }

    /// <summary>Times each taken conversation appears.</summary>
    [JsonPropertyName("epochs")] public required int Epochs { get; init; }

    /// <summary>Examples in the mixture: <see cref="Taken"/> × <see cref="Epochs"/>.</summary>
    [JsonPropertyName("examples")] public required long Examples { get; init; }

    /// <summary>The chat share weight (chat sources under a chat ratio), else <see langword="null"/>.</summary>
    [JsonPropertyName("weight")] public double? Weight { get; init; }
}
