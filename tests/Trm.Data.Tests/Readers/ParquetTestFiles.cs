using Parquet.Schema;
using Parquet.Serialization;

namespace Trm.Data.Tests.Readers;

/// <summary>Writes small Parquet files shaped like the hub's shards (pyarrow's list-of-struct and flat string columns).</summary>
internal static class ParquetTestFiles
{
    /// <summary>A SmolTalk-style file: <c>messages</c> (list of struct role/content) and a <c>source</c> column; a null role stays missing.</summary>
    public static void WriteMessages(string path, params (string? Role, string Content)[][] conversations)
    {
        var schema = new ParquetSchema(
            new ListField("messages", new StructField("element", new DataField<string>("content"), new DataField<string>("role"))),
            new DataField<string>("source"));
        var rows = conversations.Select(turns => (IDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["messages"] = turns.Select(t => new Dictionary<string, object?> { ["content"] = t.Content, ["role"] = t.Role }).ToList(),
            ["source"] = "test",
        }).ToList();
        Write(path, schema, rows);
    }

    /// <summary>An OpenThoughts-style file: <c>conversations</c> (list of struct from/value).</summary>
    public static void WriteShareGpt(string path, params (string From, string Value)[][] conversations)
    {
        var schema = new ParquetSchema(new ListField("conversations", new StructField("element", new DataField<string>("from"), new DataField<string>("value"))));
        var rows = conversations.Select(turns => (IDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["conversations"] = turns.Select(t => new Dictionary<string, object?> { ["from"] = t.From, ["value"] = t.Value }).ToList(),
        }).ToList();
        Write(path, schema, rows);
    }

    /// <summary>A GSM8K-style file: flat <c>question</c> and <c>answer</c> string columns.</summary>
    public static void WriteQuestionAnswer(string path, params (string Question, string Answer)[] rows)
    {
        var schema = new ParquetSchema(new DataField<string>("question"), new DataField<string>("answer"));
        Write(path, schema, rows.Select(r => (IDictionary<string, object?>)new Dictionary<string, object?> { ["question"] = r.Question, ["answer"] = r.Answer }).ToList());
    }

    private static void Write(string path, ParquetSchema schema, List<IDictionary<string, object?>> rows)
    {
        using var file = File.Create(path);
        ParquetSerializer.SerializeUntypedAsync(rows, schema, file).GetAwaiter().GetResult();
    }
}
