using System.Text.Json;

namespace Trm.Data.Puzzles;

/// <summary>Parses JSON files of the puzzle layout, turning syntax errors into <see cref="TrmDataException"/> with the file and line.</summary>
internal static class PuzzleJson
{
    public static JsonDocument Parse(string json, string? file)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TrmDataException($"invalid JSON: {e.Message}", file, e.LineNumber + 1, null, e);
        }
    }
}
