using System.Text.Json;

namespace Trm.Data.Readers;

/// <summary>
/// One JSON record of a data file: its root element and where it came from: the 1-based line (where the element starts, for
/// a JSON list) and, for a JSON list, the 1-based element index.
/// </summary>
internal readonly record struct JsonRecord(JsonElement Root, string File, long Line, long? Record = null)
{
    /// <summary>An exception located at this record and <paramref name="field"/>.</summary>
    public TrmDataException Error(string reason, string? field = null) => new(reason, File, Line, field) { Record = Record };

    /// <summary><c>file:line</c> (JSONL) or <c>file#record</c> (JSON list), used as the source id of the conversation built from this record.</summary>
    public string SourceId => Record is { } k ? $"{Path.GetFileName(File)}#{k}" : $"{Path.GetFileName(File)}:{Line}";
}
