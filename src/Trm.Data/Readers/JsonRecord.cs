using System.Text.Json;

namespace Trm.Data.Readers;

/// <summary>One JSON record of a data file: its root element and where it came from (line for JSONL, 1-based element index for JSON lists).</summary>
internal readonly record struct JsonRecord(JsonElement Root, string File, long Line)
{
    /// <summary>An exception located at this record and <paramref name="field"/>.</summary>
    public TrmDataException Error(string reason, string? field = null) => new(reason, File, Line, field);

    /// <summary><c>file:line</c>, used as the source id of the conversation built from this record.</summary>
    public string SourceId => $"{Path.GetFileName(File)}:{Line}";
}
